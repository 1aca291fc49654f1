"""Keeps the policy index (`AgreementFlow`) in step with agreements. Called by services only."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from agreements.events import flows_changed
from agreements.models import Agreement, AgreementFlow, AgreementVersion, Level


def day_start(day: date) -> datetime:
    """Agreements run from and to midnight UK time, as their dates are written."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _version_rows(agreement: Agreement, version: AgreementVersion, slug_to_id: dict[str, int]) -> list[AgreementFlow]:
    rows = []
    common = {
        "agreement": agreement,
        "version": version,
        "purposes": list(version.purposes),
        "retention_days": version.retention_days,
        "valid_from": day_start(version.start_date),
        "valid_until": day_start(version.expiry_date),
        "is_current": version.pk == agreement.current_version_id,
        "all_signed": version.fully_signed_at is not None,
        "suspended": agreement.suspended_at is not None,
        "terminates_at": agreement.terminates_at,
    }
    # A version may name the same directed flow twice; it then allows the higher level.
    levels: dict[tuple[int, int, str], Level] = {}
    for flow in version.flows:
        level = Level.from_code(flow["max_level"])
        for sender in flow["senders"]:
            for recipient in flow["recipients"]:
                key = (slug_to_id[sender], slug_to_id[recipient], flow["kind"])
                if sender != recipient:
                    levels[key] = max(level, levels.get(key, level))
    for (sender_id, recipient_id, kind), level in levels.items():
        rows.append(AgreementFlow(sender_id=sender_id, recipient_id=recipient_id, kind=kind, max_level=level, **common))
    return rows


def flows_sync(agreement: Agreement) -> None:
    """Rewrite `agreement`'s rows from its versions and state. Call inside the changing transaction.

    Every version gets rows, drafts and superseded ones too, so a denial can say why
    ("not signed", "superseded") instead of "no agreement"; the caller holds the agreement's
    row lock.
    """
    AgreementFlow.objects.filter(agreement=agreement).delete()
    rows: list[AgreementFlow] = []
    versions = agreement.versions.prefetch_related("parties__organisation")
    for version in versions:
        slug_to_id = {p.organisation.slug: p.organisation_id for p in version.parties.all()}
        rows.extend(_version_rows(agreement, version, slug_to_id))
    AgreementFlow.objects.bulk_create(rows)
    flows_changed(agreement.pk)
