"""Reads: what a partner has sent about its cases, and what a validating university received.

What a university reads comes only from the exchange (`sharing.records`), which asks the policy
for every record on every read and audits each opening. Identified transfers are opened only for
people who may act on them (`rights.can_open_identified`; `records_received(max_level=...)` leaves
them sealed for others); others see that one arrived, from the record's metadata (its row, not
its envelope), while the policy still allows the flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from agreements.policy import Level, SharingDenied, access_receive
from referrals import projections, rights, services
from referrals.models import AggregateSend, SummaryShare, TransferRequest, TransferStatus
from referrals.suppression import SuppressedTable
from sharing import records
from sharing.models import SharedCheck
from tenants.models import Organisation, User
from tenants.scopes import membership_get
from welfare.choices import CaseStatus, IdeologyCategory, SubjectKind
from welfare.models import Case

KIND, PURPOSE = services.KIND, services.PURPOSE
LABELS: dict[str, str] = {
    **projections.LABELS,
    **dict(IdeologyCategory.choices),
    **dict(SubjectKind.choices),
    **dict(CaseStatus.choices),
}


# --- At the partner --------------------------------------------------------------------------------


@dataclass
class RecipientRow:
    organisation: Organisation
    summary: SummaryShare | None
    may_receive_summary: bool
    may_receive_identified: bool


def _allowed(source: Organisation, recipient: Organisation, level: Level) -> bool:
    try:
        access_receive(source_id=source.pk, recipient_id=recipient.pk, kind=KIND, level=level, purpose=PURPOSE)
    except SharingDenied:
        return False
    return True


def case_sharing(case: Case) -> list[RecipientRow]:
    """The validating university and every organisation the policy lets receive a summary now, and any
    that holds a summary of this case: the summary last sent, and what the policy allows now."""
    source = services.source_here()
    shares = {s.recipient_id: s for s in SummaryShare.objects.filter(case_number=case.pk)}
    candidates = {
        o.pk: o
        for o in [
            *services.validators_of(source),
            *services.recipients(source, Level.SUMMARY),
            *Organisation.objects.filter(pk__in=shares.keys()),
        ]
    }
    return [
        RecipientRow(
            organisation=o,
            summary=shares.get(o.pk),
            may_receive_summary=_allowed(source, o, Level.SUMMARY),
            may_receive_identified=_allowed(source, o, Level.FULL),
        )
        for o in sorted(candidates.values(), key=lambda o: o.name)
    ]


def case_transfers(case: Case) -> QuerySet[TransferRequest]:
    return TransferRequest.objects.filter(case_number=case.pk).select_related("recipient", "requested_by", "decided_by")


def transfers(*, status: str = "") -> QuerySet[TransferRequest]:
    rows = TransferRequest.objects.select_related("recipient", "requested_by", "decided_by")
    return rows.filter(status=status) if status else rows


def transfer_get(pk: int) -> TransferRequest | None:
    return transfers().filter(pk=pk).first()


def pending_transfers() -> QuerySet[TransferRequest]:
    return transfers(status=TransferStatus.PENDING).order_by("requested_at", "pk")


def aggregates_sent() -> QuerySet[AggregateSend]:
    return AggregateSend.objects.select_related("recipient").order_by("-period", "recipient__name")


# --- At the validating university ------------------------------------------------------------------


@dataclass
class TransferNotice:
    """That an identified transfer arrived, for those who may not open it (no content, nothing opened)."""

    id: int
    source_id: int
    source_name: str
    shared_at: datetime


def _present(table: dict[str, Any]) -> dict[str, Any]:
    """A suppressed table as rows of labels, ready for a template or the API."""
    t = SuppressedTable.from_record(table)

    def label(key: str) -> str:
        return projections.LABELS.get(key, key.replace("_", " ").capitalize())

    return {
        "withheld_entirely": t.withheld_entirely,
        "columns": [label(c) for c in t.columns],
        "rows": [
            {
                "label": label(r),
                "cells": [t.cells[r, c].label(t.threshold) for c in t.columns],
                "total": t.row_totals[r].label(t.threshold),
            }
            for r in t.rows
        ],
        "column_totals": [t.column_totals[c].label(t.threshold) for c in t.columns],
        "total": t.total.label(t.threshold),
    }


def aggregate_view(record: records.RecordView) -> dict[str, Any]:
    data = record.data
    return {
        "record_id": record.id,
        "period": data.get("period", ""),
        "period_label": data.get("period_label", ""),
        "threshold": data.get("threshold"),
        "shared_at": record.shared_at,
        "agreement_title": record.agreement_title,
        "tables": {name: _present(table) for name, table in data.get("tables", {}).items()},
    }


def _label(code: str) -> str:
    """A stage, outcome, ideology category or kind code as people read it (never the raw code)."""
    return LABELS.get(code, code.replace("_", " ").capitalize()) if code else ""


def _month_label(month: str) -> str:
    """ "2026-10" as "October 2026" (a record's months are ISO year-months)."""
    try:
        return datetime.strptime(month, "%Y-%m").strftime("%B %Y")  # noqa: DTZ007 (a month, no time)
    except ValueError:
        return month


def _day_label(day: str) -> str:
    """ "2026-10-03" as "3 October 2026"; "" stays ""."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return day
    return f"{parsed.day} {parsed:%B %Y}"


def summary_view(record: records.RecordView) -> dict[str, Any]:
    data = record.data
    return {
        "record_id": record.id,
        "version": record.version,
        "pseudonym": data.get("pseudonym", ""),
        "stage": _label(data.get("stage", "")),
        "stages": [{"stage": _label(s["stage"]), "month": _month_label(s["month"])} for s in data.get("stages", [])],
        "outcome": _label(data.get("outcome", "")),
        "outcome_month": _month_label(data.get("outcome_month", "")),
        "status": data.get("status", ""),
        "opened_month": _month_label(data.get("opened_month", "")),
        "closed_month": _month_label(data.get("closed_month", "")),
        "shared_at": record.shared_at,
    }


def transfer_view(record: records.RecordView) -> dict[str, Any]:
    """An identified transfer as people read it: labels for every code, dates as days."""
    data = record.data
    subject = data.get("subject", {})
    return {
        "record_id": record.id,
        "pseudonym": data.get("pseudonym", ""),
        "name": f"{subject.get('given_name', '')} {subject.get('family_name', '')}".strip(),
        "kind": _label(subject.get("kind", "")),
        "date_of_birth": _day_label(subject.get("date_of_birth", "")),
        "number": subject.get("number", ""),
        "stages": [{"stage": _label(s["stage"]), "date": _day_label(s["date"])} for s in data.get("stages", [])],
        "outcome": _label(data.get("outcome", "")),
        "prevent_referral_on": _day_label(data.get("prevent_referral_on", "")),
        "prevent_referral_reference": data.get("prevent_referral_reference", ""),
        "ideology_category": _label(data.get("ideology_category", "")),
        "status": _label(data.get("status", "")),
        "opened_on": _day_label(data.get("opened_on", "")),
        "closed_on": _day_label(data.get("closed_on", "")),
        "case_summary": data.get("case_summary", ""),
        "justification": data.get("justification", ""),
        "requested_by": data.get("requested_by", ""),
        "approved_by": data.get("approved_by", ""),
        "shared_at": record.shared_at,
    }


def _identified_notices(organisation: Organisation, source_id: int | None) -> list[TransferNotice]:
    rows = SharedCheck.objects.filter(
        recipient=organisation,
        kind=KIND,
        is_current=True,
        withdrawn_at__isnull=True,
        destroyed_at__isnull=True,
        expires_at__gt=timezone.now(),
        envelopes__level=Level.FULL,
    ).select_related("source")
    if source_id is not None:
        rows = rows.filter(source_id=source_id)
    allowed: dict[int, bool] = {}
    notices = []
    for row in rows.order_by("created_at", "pk"):
        if row.source_id not in allowed:
            try:
                access_receive(
                    source_id=row.source_id, recipient_id=organisation.pk, kind=KIND, level=Level.FULL, purpose=PURPOSE
                )
                allowed[row.source_id] = True
            except SharingDenied:
                allowed[row.source_id] = False
        if allowed[row.source_id]:
            notices.append(TransferNotice(row.pk, row.source_id, row.source.name, row.created_at))
    return notices


def _opened(organisation: Organisation, user: User | None, source_id: int | None) -> list[records.RecordView]:
    """Every record the user may open now: all of them, or everything below identified transfers."""
    may_open = rights.can_open_identified(membership_get(user, organisation))
    return records.records_received(
        organisation=organisation, user=user, kind=KIND, purpose=PURPOSE, source_id=source_id,
        max_level=None if may_open else Level.SUMMARY,
    )  # fmt: skip


def received_summary_for(*, organisation: Organisation, user: User | None, source_id: int | None) -> dict[str, Any]:
    """What `organisation` received about the cases of `source_id` (every source when None), opened now.

    "aggregates": the latest table of each term as sent (already suppressed), newest term first;
    "cases": the current summary of each case (RecordViews), by pseudonym; "transfers": identified
    transfers the user may open (RecordViews; empty for those who may not); "transfer_notices":
    for those, that transfers arrived. Openings are audited by the exchange.
    """
    opened = _opened(organisation, user, source_id)
    by_level: dict[Level, list[records.RecordView]] = {level: [] for level in Level}
    for view in opened:
        by_level[view.level].append(view)
    aggregates = sorted(by_level[Level.AGGREGATE], key=lambda v: v.data.get("period", ""), reverse=True)
    cases = sorted(by_level[Level.SUMMARY], key=lambda v: (v.source_name, v.data.get("pseudonym", "")))
    transfers_opened = by_level[Level.FULL]
    may_open = rights.can_open_identified(membership_get(user, organisation))
    return {
        "aggregates": aggregates,
        "cases": cases,
        "transfers": transfers_opened,
        "transfer_notices": [] if may_open else _identified_notices(organisation, source_id),
    }


def received_by_partner(*, organisation: Organisation, user: User | None) -> list[dict[str, Any]]:
    """The received page: per partner (source), its aggregates, summaries and transfers, presented."""
    summary = received_summary_for(organisation=organisation, user=user, source_id=None)
    partners: dict[int, dict[str, Any]] = {}

    def partner(source_id: int, name: str) -> dict[str, Any]:
        return partners.setdefault(
            source_id,
            {"source_id": source_id, "name": name, "aggregates": [], "cases": [], "transfers": [], "notices": []},
        )

    for view in summary["aggregates"]:
        partner(view.source_id, view.source_name)["aggregates"].append(aggregate_view(view))
    for view in summary["cases"]:
        partner(view.source_id, view.source_name)["cases"].append(summary_view(view))
    for view in summary["transfers"]:
        partner(view.source_id, view.source_name)["transfers"].append(transfer_view(view))
    for notice in summary["transfer_notices"]:
        partner(notice.source_id, notice.source_name)["notices"].append(notice)
    return sorted(partners.values(), key=lambda p: p["name"])
