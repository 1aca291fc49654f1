"""Offline verification of an exported agreement. Needs only the export file.

    python -m agreements.verify agreement.json

This module imports nothing from Django and touches no database: anyone holding the
file (and Python with `cryptography`) can check it. It checks that

* the document's SHA-256 is the one every signature statement names,
* each signature is a valid Ed25519 signature of its statement by the enclosed public key,
* each enclosed key's fingerprint is the one recorded (compare it with the fingerprint the
  signing organisation publishes to know the key is really theirs),
* every party named in the document has signed, and nobody else has.

Exit status 0 when all hold; 1 with one line per problem otherwise.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from typing import Any

from core import crypto


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


def verify_export(export: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(problems, confirmations). No problems means every party's signature is good."""
    document = export.get("document")
    if not isinstance(document, dict) or not isinstance(export.get("signatures"), list):
        return ["the file is not an agreement export (no document or signatures)"], []
    actual = crypto.sha256_hex(crypto.canonical_json(document))
    problems = []
    if actual != export.get("document_sha256"):
        problems.append(f"document: its text has changed (SHA-256 is now {actual})")
    parties = [p.get("slug") for p in document.get("parties", [])]
    signed, confirmations = [], []
    for entry in export["signatures"]:
        statement = entry.get("statement") or {}
        label = f"signature of {statement.get('organisation')} by {statement.get('signer_name')}"
        found = _check_signature(entry, actual, label)
        problems.extend(found)
        signed.append(statement.get("organisation"))
        if not found:
            confirmations.append(f"{label} ({statement.get('signer_role')}, {statement.get('signed_at')}): valid")
    problems += [f"party {slug}: has not signed" for slug in parties if slug not in signed]
    problems += [f"signature of {slug}: not a party to this document" for slug in signed if slug not in parties]
    return problems, confirmations


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m agreements.verify <export.json>", file=sys.stderr)  # noqa: T201
        return 2
    try:
        with open(argv[0], encoding="utf-8") as handle:
            export = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"cannot read {argv[0]}: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    problems, confirmations = verify_export(export)
    for line in confirmations:
        print(line)  # noqa: T201
    for line in problems:
        print(f"FAILED {line}")  # noqa: T201
    print("verification failed" if problems else "all signatures valid")  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
