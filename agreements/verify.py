"""Offline verification of an exported agreement. Needs only the export file.

    python -m agreements.verify agreement.json

This module imports nothing from Django and touches no database: anyone holding the
file (and Python with `cryptography`) can check it. It first checks that the file is in the
canonical form `manage.py agreement_export` writes, and refuses anything else, naming it:

* a key that appears twice in one object (JSON parsers silently keep the last one, so
  `"retention_days": 9999, "retention_days": 730` would show one value and verify another),
* a key the format does not have, or a missing one; a value of the wrong type (a number
  written as text, a fraction where a whole number belongs, `true` for a number); NaN or
  Infinity; a date that is not `YYYY-MM-DD`.

Then it checks that

* the document's SHA-256 is the one every signature statement names,
* each signature is a valid Ed25519 signature of its statement by the enclosed public key,
* each enclosed key's fingerprint is the one recorded (compare it with the fingerprint the
  signing organisation publishes to know the key is really theirs),
* every party named in the document, and every party it drops (`leaving_parties`), has
  signed, and nobody else has.

Exit status 0 when all hold; 1 with one line per problem otherwise.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from datetime import date
from typing import Any

from agreements.documents import (
    DOCUMENT_KEYS,
    OPTIONAL_TERMS,
    PARTY_KEYS,
    STATEMENT_KEYS,
    TEXT_FIELDS,
    required_signers,
)
from core import crypto

EXPORT_FORMAT = "partnership-hub/isa-export/v1"
EXPORT_KEYS = ("format", "document", "document_sha256", "signatures")
SIGNATURE_KEYS = ("statement", "signature", "public_key", "key_fingerprint")
FLOW_KEYS = ("kind", "senders", "recipients", "max_level")
TEXT_LIST_FIELDS = {"purposes"}
INT_FIELDS = {"retention_days", "small_number_threshold"}
BOOL_FIELDS = {"dpia_done"}
DATE_FIELDS = {"review_date", "start_date", "expiry_date"}


class _Object(dict):  # type: ignore[type-arg]
    """A JSON object that remembers which of its keys appeared more than once."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj and key not in obj.duplicates:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in an agreement export")


def load_export(text: str) -> tuple[Any, list[str]]:
    """(parsed export, problems with its form). Problems name the place: `document.terms.retention_days`."""
    data = json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)
    problems: list[str] = []
    _duplicates(data, "", problems)
    if not problems:
        problems = form_problems(data)
    return data, problems


def _duplicates(value: Any, path: str, problems: list[str]) -> None:
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", []):
            problems.append(f"{_join(path, key)}: the key appears more than once; a canonical export has each key once")
        for key, item in value.items():
            _duplicates(item, _join(path, key), problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _duplicates(item, f"{path}[{index}]", problems)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _keys(
    value: Any, expected: tuple[str, ...], path: str, problems: list[str], optional: tuple[str, ...] = ()
) -> bool:
    if not isinstance(value, dict):
        problems.append(f"{path or 'the file'}: should be an object with keys {', '.join(expected)}")
        return False
    problems += [f"{_join(path, k)}: not part of the canonical form" for k in value if k not in expected]
    problems += [f"{_join(path, k)}: missing" for k in expected if k not in value and k not in optional]
    return True


def _type(value: Any, kind: str, path: str, problems: list[str]) -> None:
    ok = {
        "text": isinstance(value, str),
        "whole number": isinstance(value, int) and not isinstance(value, bool),
        "true or false": isinstance(value, bool),
        "list of text": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[kind]
    if not ok:
        problems.append(f"{path}: should be {kind}, found {json.dumps(value)[:40]}")


def _is_date(value: str) -> bool:
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _term_kind(name: str) -> str:
    if name in TEXT_LIST_FIELDS:
        return "list of text"
    if name in INT_FIELDS:
        return "whole number"
    if name in BOOL_FIELDS:
        return "true or false"
    return "text"


def _check_terms(terms: Any, path: str, problems: list[str]) -> None:
    # Terms added after documents were first signed may be absent (documents signed before them).
    if not _keys(terms, tuple(TEXT_FIELDS), path, problems, optional=tuple(OPTIONAL_TERMS)):
        return
    for name in TEXT_FIELDS:
        if name not in terms:
            continue
        where = f"{path}.{name}"
        if name in DATE_FIELDS:
            if not (isinstance(terms[name], str) and _is_date(terms[name])):
                problems.append(f"{where}: should be a date written YYYY-MM-DD")
        elif name == "flows":
            _check_flows(terms[name], where, problems)
        else:
            _type(terms[name], _term_kind(name), where, problems)


def _check_flows(flows: Any, path: str, problems: list[str]) -> None:
    if not isinstance(flows, list):
        problems.append(f"{path}: should be a list of flows")
        return
    for index, flow in enumerate(flows):
        where = f"{path}[{index}]"
        if _keys(flow, FLOW_KEYS, where, problems):
            for key, kind in (("kind", "text"), ("senders", "list of text"), ("recipients", "list of text")):
                if key in flow:
                    _type(flow[key], kind, f"{where}.{key}", problems)
            if "max_level" in flow:
                _type(flow["max_level"], "text", f"{where}.max_level", problems)


def _check_parties(parties: Any, path: str, problems: list[str]) -> None:
    if not isinstance(parties, list):
        problems.append(f"{path}: should be a list of parties")
        return
    for index, party in enumerate(parties):
        if _keys(party, PARTY_KEYS, f"{path}[{index}]", problems):
            for key in PARTY_KEYS:
                if key in party:
                    _type(party[key], "text", f"{path}[{index}].{key}", problems)


def _check_document(document: Any, problems: list[str]) -> None:
    fmt = document.get("format") if isinstance(document, dict) else None
    if fmt not in DOCUMENT_KEYS:
        problems.append(f"document.format: unknown format {json.dumps(fmt)[:60]}")
        return
    if not _keys(document, DOCUMENT_KEYS[fmt], "document", problems):
        return
    for key in ("agreement", "version"):
        if key in document:
            _type(document[key], "whole number", f"document.{key}", problems)
    for key in ("parties", "leaving_parties"):
        if key in document:
            _check_parties(document[key], f"document.{key}", problems)
    if "terms" in document:
        _check_terms(document["terms"], "document.terms", problems)
    _check_readable(document.get("readable", []), problems)


def _check_readable(readable: Any, problems: list[str]) -> None:
    if not isinstance(readable, list):
        problems.append("document.readable: should be a list of labelled terms")
        return
    for index, item in enumerate(readable):
        if _keys(item, ("label", "value"), f"document.readable[{index}]", problems):
            for key in ("label", "value"):
                if key in item:
                    _type(item[key], "text", f"document.readable[{index}].{key}", problems)


def _check_signature_form(entry: Any, path: str, problems: list[str]) -> None:
    if not _keys(entry, SIGNATURE_KEYS, path, problems):
        return
    for key in ("signature", "public_key", "key_fingerprint"):
        if key in entry:
            _type(entry[key], "text", f"{path}.{key}", problems)
    statement = entry.get("statement")
    if "statement" in entry and _keys(statement, STATEMENT_KEYS, f"{path}.statement", problems):
        for key in STATEMENT_KEYS:
            if key in statement:
                kind = "whole number" if key in ("agreement", "version") else "text"
                _type(statement[key], kind, f"{path}.statement.{key}", problems)


def form_problems(export: Any) -> list[str]:
    """Everything about `export` (already parsed) that is outside the canonical export form."""
    problems: list[str] = []
    if not _keys(export, EXPORT_KEYS, "", problems):
        return problems
    if export.get("format") != EXPORT_FORMAT:
        problems.append(f"format: should be {EXPORT_FORMAT}")
    if "document_sha256" in export:
        _type(export["document_sha256"], "text", "document_sha256", problems)
    if "document" in export:
        _check_document(export["document"], problems)
    signatures = export.get("signatures")
    if not isinstance(signatures, list):
        problems.append("signatures: should be a list")
    else:
        for index, entry in enumerate(signatures):
            _check_signature_form(entry, f"signatures[{index}]", problems)
    return problems


def _decode(value: Any) -> bytes | None:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return None


def _check_signature(entry: dict[str, Any], document_sha256: str, label: str) -> list[str]:
    statement = entry.get("statement") or {}
    public, signature = _decode(entry.get("public_key")), _decode(entry.get("signature"))
    if public is None or signature is None or len(public) != crypto.KEY_BYTES:
        return [f"{label}: the public key or signature is not valid base64 of the right length"]
    problems = []
    if crypto.public_key_fingerprint(public) != entry.get("key_fingerprint"):
        problems.append(f"{label}: the enclosed public key does not match its fingerprint")
    if statement.get("document_sha256") != document_sha256:
        problems.append(f"{label}: signed a different document (hash {statement.get('document_sha256')})")
    if not crypto.verify(public, crypto.canonical_json(statement), signature):
        problems.append(f"{label}: the signature does not verify (statement or signature altered)")
    return problems


def verify_export(export: Any) -> tuple[list[str], list[str]]:
    """(problems, confirmations). No problems means the export is canonical and every signature is good.

    `export` is the parsed file; prefer `verify_text`, which also catches duplicated keys.
    """
    form = form_problems(export)
    if form:
        return [f"not a canonical agreement export: {p}" for p in form], []
    document = export["document"]
    actual = crypto.sha256_hex(crypto.canonical_json(document))
    problems = []
    if actual != export.get("document_sha256"):
        problems.append(f"document: its text has changed (SHA-256 is now {actual})")
    required = required_signers(document)
    signed, confirmations = [], []
    for entry in export["signatures"]:
        statement = entry["statement"]
        label = f"signature of {statement.get('organisation')} by {statement.get('signer_name')}"
        found = _check_signature(entry, actual, label)
        if (statement["agreement"], statement["version"]) != (document["agreement"], document["version"]):
            found.append(f"{label}: names agreement {statement['agreement']} version {statement['version']}")
        problems.extend(found)
        signed.append(statement.get("organisation"))
        if not found:
            confirmations.append(f"{label} ({statement.get('signer_role')}, {statement.get('signed_at')}): valid")
    problems += [f"party {slug}: has not signed" for slug in required if slug not in signed]
    problems += [f"signature of {slug}: not a party to this document" for slug in signed if slug not in required]
    return problems, confirmations


def verify_text(text: str) -> tuple[list[str], list[str]]:
    """`verify_export` over the file's text, refusing duplicated keys and non-canonical values first."""
    try:
        export, form = load_export(text)
    except ValueError as exc:
        return [f"not a canonical agreement export: {exc}"], []
    if form:
        return [f"not a canonical agreement export: {p}" for p in form], []
    return verify_export(export)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m agreements.verify <export.json>", file=sys.stderr)  # noqa: T201
        return 2
    try:
        with open(argv[0], encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, ValueError) as exc:
        print(f"cannot read {argv[0]}: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    problems, confirmations = verify_text(text)
    for line in confirmations:
        print(line)  # noqa: T201
    for line in problems:
        print(f"FAILED {line}")  # noqa: T201
    print("verification failed" if problems else "all signatures valid")  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
