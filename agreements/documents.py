"""The signed text of a version: a canonical JSON document, its hash, and signing statements.

What each party signs is not the document itself but a short *statement* naming the
document's SHA-256, the agreement, version, organisation, signer and time, so that the
signer's details are covered by the signature too. `agreements.verify` checks both offline.
"""

from __future__ import annotations

from typing import Any

from core import crypto

DOCUMENT_FORMAT = "partnership-hub/isa/v1"
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


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def version_document(version: Any, parties: list[Any]) -> dict[str, Any]:
    """The canonical document of `version`; `parties` are Organisations in party order."""
    return {
        "format": DOCUMENT_FORMAT,
        "agreement": version.agreement_id,
        "version": version.number,
        "parties": [{"slug": o.slug, "name": o.name, "kind": o.kind} for o in parties],
        "terms": {name: _plain(getattr(version, name)) for name in TEXT_FIELDS},
    }


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
