"""Export the register as CSV; an export is recorded like any other disclosure."""

from __future__ import annotations

import csv
import io

from django.db import transaction

from core.audit import audit_record
from speakers import rights
from speakers.csv_format import COLUMNS, export_row
from speakers.selectors import RegisterFilter, register_requests
from tenants.models import User


def event_requests_export(*, actor: User, filters: RegisterFilter | None = None) -> str:
    """The register rows this person may see (optionally filtered), as CSV text in the import layout."""
    membership = rights.membership_of(actor)
    requests = register_requests(membership=membership, filters=filters or RegisterFilter()).prefetch_related(
        "mitigations"
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for event_request in requests.order_by("starts_at", "pk"):
        writer.writerow(export_row(event_request))
        count += 1
    with transaction.atomic():
        audit_record(
            action="speakers.export",
            actor=actor,
            organisation_id=rights.current_organisation().pk,
            detail={"rows": count},
        )
    return out.getvalue()
