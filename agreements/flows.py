"""Keeps the policy index (`AgreementFlow`) in step with agreements. Called by services only."""

from __future__ import annotations

from agreements.events import flows_changed
from agreements.models import Agreement, AgreementFlow, AgreementVersion, Level
from core.dates import day_ends, day_starts

# Kept for callers that read "the first instant of a date" (bench); the meaning lives in core.dates.
day_start = day_starts


def _version_rows(agreement: Agreement, version: AgreementVersion, slug_to_id: dict[str, int]) -> list[AgreementFlow]:
    rows = []
    common = {
        "agreement": agreement,
        "version": version,
        "purposes": list(version.purposes),
        "retention_days": version.retention_days,
        # Date-only fields are inclusive, Europe/London: from 00:00 on the start date to the end
        # of the expiry date (core.dates).
        "valid_from": day_starts(version.start_date),
        "valid_until": day_ends(version.expiry_date),
        # In force: a pending successor's rows never allow anything until it takes over.
        "is_current": version.pk == agreement.current_version_id,
        "all_signed": version.fully_signed_at is not None,
        "suspended": agreement.suspended_at is not None,
        "terminates_at": agreement.terminates_at,
        "special_condition": bool(
            version.special_category_condition.strip() or version.criminal_offence_condition.strip()
        ),
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

    Every version gets rows, drafts, pending successors and superseded ones too, so a denial
    can say why ("not signed", "not the version in force") instead of "no agreement"; only the
    version in force (`current_version`) has `is_current=True`. The caller holds the agreement's
    row lock. Ends by calling `agreements.events.flows_changed`, inside the caller's transaction.
    """
    AgreementFlow.objects.filter(agreement=agreement).delete()
    rows: list[AgreementFlow] = []
    versions = agreement.versions.prefetch_related("parties__organisation")
    for version in versions:
        slug_to_id = {p.organisation.slug: p.organisation_id for p in version.parties.all()}
        rows.extend(_version_rows(agreement, version, slug_to_id))
    AgreementFlow.objects.bulk_create(rows)
    flows_changed(agreement.pk)
