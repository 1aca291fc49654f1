"""The signed text of a version: a canonical JSON document, its hash, and signing statements.

What each party signs is not the document itself but a short *statement* naming the
document's SHA-256, the agreement, version, organisation, signer and time, so that the
signer's details are covered by the signature too. `agreements.verify` checks both offline.

Document format v2 (every version proposed from now on) adds two keys to v1's
`format, agreement, version, parties, terms`:

* `leaving_parties`: parties of the version in force that this version drops. They must sign
  it too (their consent to leave); a version that drops a party without that party's
  signature never takes over (that party may instead give notice to terminate).
* `readable`: every term as a person reads it, `[{"label": ..., "value": ...}]` in reading
  order, the same labels the pages show ("Lawful basis (UK GDPR Art. 6)": "Art. 6(1)(e)
  public task"), so the signed text needs no code book.

Optional terms (`OPTIONAL_TERMS`) were added after documents were first signed: a version that
has no value for one (written before the term existed) has no such key in its document, so
every document signed before stays byte for byte what it was and still verifies; the hub reads
the term's default for it (`agreements.selectors.small_number_threshold`), outside the signed
text. A version written since always has the key (its value is filled in by validation).

This module imports nothing from Django, so `agreements.verify` can share its constants.
"""

from __future__ import annotations

from typing import Any

from core import crypto

DOCUMENT_FORMAT = "partnership-hub/isa/v2"
DOCUMENT_FORMAT_V1 = "partnership-hub/isa/v1"
DOCUMENT_KEYS = {
    DOCUMENT_FORMAT_V1: ("format", "agreement", "version", "parties", "terms"),
    DOCUMENT_FORMAT: ("format", "agreement", "version", "parties", "leaving_parties", "terms", "readable"),
}
PARTY_KEYS = ("slug", "name", "kind")
STATEMENT_KEYS = (
    "format",
    "agreement",
    "version",
    "document_sha256",
    "organisation",
    "signer_name",
    "signer_email",
    "signer_role",
    "signed_at",
)
STATEMENT_FORMAT = "partnership-hub/isa-signature/v1"

# Version fields that make up the agreement's text, in the order pages show them.
TEXT_FIELDS = [
    "title",
    "purpose",
    "purposes",
    "lawful_basis",
    "special_category_condition",
    "criminal_offence_condition",
    "dpa_schedule1_condition",
    "data_items",
    "flows",
    "retention_days",
    "small_number_threshold",
    "security",
    "controllers",
    "legal_power",
    "necessity",
    "dpia_done",
    "dpia_outcome",
    "dpo_view",
    "individual_rights",
    "sharing_frequency",
    "review_date",
    "start_date",
    "expiry_date",
]


# Terms a document may lack (see above), with the value read when it does.
OPTIONAL_TERMS = {"small_number_threshold": 5}


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _party(o: Any) -> dict[str, Any]:
    return {"slug": o.slug, "name": o.name, "kind": o.kind}


def version_document(
    version: Any, parties: list[Any], *, leaving_parties: list[Any], readable: list[dict[str, str]]
) -> dict[str, Any]:
    """The canonical (v2) document of `version`.

    `parties` and `leaving_parties` are Organisations in party order; `readable` is
    `agreements.labels.readable_terms` of the same terms (label and value strings).
    """
    return {
        "format": DOCUMENT_FORMAT,
        "agreement": version.agreement_id,
        "version": version.number,
        "parties": [_party(o) for o in parties],
        "leaving_parties": [_party(o) for o in leaving_parties],
        "terms": {
            name: _plain(getattr(version, name))
            for name in TEXT_FIELDS
            if not (name in OPTIONAL_TERMS and getattr(version, name) is None)
        },
        "readable": [{"label": item["label"], "value": item["value"]} for item in readable],
    }


def required_signers(document: dict[str, Any]) -> list[str]:
    """Slugs that must sign `document`: its parties, and (v2) the parties it drops."""
    return [p["slug"] for p in document.get("parties", [])] + [p["slug"] for p in document.get("leaving_parties", [])]


def document_hash(document: dict[str, Any]) -> str:
    return crypto.sha256_hex(crypto.canonical_json(document))


def signing_statement(
    *,
    document: dict[str, Any],
    organisation: str,
    signer_name: str,
    signer_email: str,
    signer_role: str,
    signed_at: str,
) -> dict[str, Any]:
    return {
        "format": STATEMENT_FORMAT,
        "agreement": document["agreement"],
        "version": document["version"],
        "document_sha256": document_hash(document),
        "organisation": organisation,
        "signer_name": signer_name,
        "signer_email": signer_email,
        "signer_role": signer_role,
        "signed_at": signed_at,
    }
