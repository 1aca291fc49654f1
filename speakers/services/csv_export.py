"""Export the register as CSV; an export is recorded like any other disclosure."""

from __future__ import annotations

from django.db import transaction

from core.audit import audit_record
from core.csv_file import write_csv
from speakers import rights
from speakers.csv_format import export_header, export_row
from speakers.selectors import RegisterFilter, register_requests
from tenants.models import User


def event_requests_export(*, actor: User, filters: RegisterFilter | None = None) -> str:
    """The register rows this person may see (optionally filtered), as the text of a CSV file in
    the import layout (speakers/csv_format.py): byte-order mark, CRLF, formulas neutralised
    (core/csv_file.py). Encode it as UTF-8. Recorded as an audit event with the row count."""
    membership = rights.membership_of(actor)
    requests = list(
        register_requests(membership=membership, filters=filters or RegisterFilter())
        .prefetch_related("mitigations")
        .order_by("starts_at", "pk")
    )
    most_speakers = max((len(r.speakers.all()) for r in requests), default=1)
    most_mitigations = max((sum(m.imposed for m in r.mitigations.all()) for r in requests), default=1)
    header = export_header(most_speakers, most_mitigations)
    text = write_csv(header, (export_row(r, header) for r in requests))
    with transaction.atomic():
        audit_record(
            action="speakers.export",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            detail={"rows": len(requests)},
        )
    return text
