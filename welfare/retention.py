"""Retention of closed cases: the review list, the reviewer's decision, and destruction.

The date rules are pure and live in `welfare.retention_rules`. Here:

* `retention_review_list` (selector): closed cases past retention, with where each stands.
* `case_retention_review` (service, ``welfare:retention``): approve destruction, or keep for
  another N days with a reason. Audited (decision and dates; the reason stays on the record).
* `case_destroy` (service, run by ``manage.py welfare_retention_destroy``): destroys ONE case
  approved for destruction and still past retention, in one transaction: its concerns, its
  chronology, actions, openings, agenda items and team (the case row's cascade), the free text
  of other apps' rows that outlive it (`_scrub_survivors`: a referral's justification), and every
  shared copy in the exchange (`sharing.records.records_destroy`, crypto-shredding). What
  remains is its `RetentionRecord` (case number, opened and closed dates, who approved, when
  it was destroyed, how many shared copies were shredded) and an audit event with the same
  facts: that it existed and was destroyed, never what it said. A failure leaves the case whole.

Decided: only cases a reviewer APPROVED are destroyed. A case past retention that nobody has
reviewed stays (listed as due, and counted by the command) because destruction cannot be undone
and the reviewer is the one who knows of a reason to keep (an open complaint, a legal hold).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from core.audit import audit_record
from core.dates import today as london_today
from sharing.records import records_destroy
from tenants.models import Organisation, User
from tenants.scopes import Scope, require_scope
from welfare.choices import CaseStatus
from welfare.models import AgendaItem, Case, Concern, RetentionRecord, WelfareSettings
from welfare.retention_rules import (
    MAX_KEEP_DAYS,
    MIN_KEEP_DAYS,
    Decision,
    RetentionState,
    Review,
    keep_until,
    retention_ends_on,
    retention_state,
    reviewable,
)


def retention_days() -> int:
    """The organisation's retention period (the model's default until its settings are saved)."""
    settings = WelfareSettings.objects.first()
    return settings.retention_days if settings else WelfareSettings._meta.get_field("retention_days").default


def _review_of(record: RetentionRecord | None) -> Review | None:
    if record is None or record.destroyed_at is not None:
        return None
    return Review(decision=Decision(record.decision), closed_on=record.closed_on, keep_until=record.keep_until)


def state_of(case: Case, record: RetentionRecord | None, *, days: int, today: dt.date) -> RetentionState:
    closed_on = case.closed_on if case.status == CaseStatus.CLOSED else None
    return retention_state(closed_on=closed_on, retention_days=days, today=today, review=_review_of(record))


@dataclass(frozen=True)
class RetentionRow:
    case_id: int
    opened_on: dt.date
    closed_on: dt.date
    ends_on: dt.date
    outcome: str
    state: RetentionState
    record: RetentionRecord | None


def _past_retention(days: int, today: dt.date):
    # Past retention: today > closed_on + days, i.e. closed_on < today - days.
    return Case.objects.filter(status=CaseStatus.CLOSED, closed_on__lt=today - dt.timedelta(days=days))


def retention_review_list(*, today: dt.date | None = None) -> list[RetentionRow]:
    """Closed cases past retention (due, kept, approved), oldest closing first. No names."""
    today = today or london_today()
    days = retention_days()
    cases = list(_past_retention(days, today).order_by("closed_on", "pk"))
    records = {r.case_id: r for r in RetentionRecord.objects.filter(case_id__in=[c.pk for c in cases])}
    return [
        RetentionRow(
            case_id=case.pk,
            opened_on=case.opened_on,
            closed_on=case.closed_on,
            ends_on=retention_ends_on(case.closed_on, days),
            outcome=case.get_outcome_display() if case.outcome else "No outcome recorded",
            state=state_of(case, records.get(case.pk), days=days, today=today),
            record=records.get(case.pk),
        )
        for case in cases
    ]


def retention_destroyed_list(*, limit: int = 100) -> list[RetentionRecord]:
    """The records of destroyed cases, newest first."""
    return list(RetentionRecord.objects.filter(destroyed_at__isnull=False).order_by("-destroyed_at")[:limit])


def case_retention_review(
    *,
    actor: User,
    organisation: Organisation,
    case_id: int,
    decision: str,
    keep_days: int | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> RetentionRecord:
    """Approve a past-retention case for destruction, or keep it `keep_days` more days with a reason.

    ValidationError (naming the field) for a case that is not closed and past retention, an
    unknown decision, or a keep without days in range or a reason. Replaces the case's earlier
    review; audited.
    """
    require_scope(actor, organisation, Scope.WELFARE_RETENTION)
    today = today or london_today()
    errors = _review_errors(decision, keep_days, reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).filter(pk=case_id).first()
        record = RetentionRecord.objects.select_for_update(no_key=True).filter(case_id=case_id).first()
        if case is None or not reviewable(state_of(case, record, days=retention_days(), today=today)):
            raise ValidationError({"case": "Only a closed case past its retention period can be reviewed."})
        keep = decision == Decision.KEEP
        record = record or RetentionRecord(case_id=case.pk)
        record.opened_on, record.closed_on, record.decision = case.opened_on, case.closed_on, decision
        record.keep_until = keep_until(today, keep_days) if keep and keep_days else None
        record.reason = reason.strip() if keep else ""
        record.decided_by, record.decided_at = actor, timezone.now()
        record.save()
        audit_record(
            action="welfare.retention_review",
            actor=actor,
            organisation_id=organisation.pk,
            target_type="welfare.case",
            target_id=case.pk,
            detail={
                "decision": decision,
                "closed_on": case.closed_on.isoformat(),
                "keep_until": record.keep_until.isoformat() if record.keep_until else None,
                "reason_given": bool(record.reason),
            },
        )
    return record


def _review_errors(decision: str, keep_days: int | None, reason: str) -> dict[str, str]:
    if decision not in {d.value for d in Decision}:
        return {"decision": "Choose 'destroy' or 'keep'."}
    if decision != Decision.KEEP:
        return {}
    errors = {}
    if keep_days is None or not MIN_KEEP_DAYS <= keep_days <= MAX_KEEP_DAYS:
        errors["keep_days"] = (
            f"Enter how many more days to keep the case: a whole number from {MIN_KEEP_DAYS} to {MAX_KEEP_DAYS}."
        )
    if not reason.strip():
        errors["reason"] = (
            "Say why the case must be kept longer (for example, an open complaint or a legal hold). Do not name anyone."
        )
    return errors


# --- destruction (the scheduled command) ---------------------------------------------------------


@dataclass
class Destroyed:
    case_id: int
    concerns: int
    entries: int
    actions: int
    openings: int
    agenda_items: int
    shared_copies: int
    other_records: int = 0


def _scrub_survivors(case: Case) -> int:
    """Rows of other apps that point at the case and outlive it (``on_delete=SET_NULL``, e.g. a referral
    transfer request, which keeps the case number as its own record) lose every free-text field here:
    a justification or a note may name the person. Their numbers, dates and statuses remain."""
    cleared = 0
    for relation in Case._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.one_to_many) or relation.related_model is Concern:
            continue
        if relation.on_delete is not models.SET_NULL:
            continue  # CASCADE goes with the case; PROTECT refuses (and the transaction leaves the case whole)
        model = relation.related_model
        texts = [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)]
        if texts:
            cleared += model._base_manager.filter(**{relation.field.name: case}).update(**dict.fromkeys(texts, ""))
    return cleared


def cases_approved_for_destruction(*, today: dt.date | None = None) -> list[int]:
    """Ids of cases a reviewer approved for destruction that are still closed and past retention."""
    today = today or london_today()
    days = retention_days()
    approved = RetentionRecord.objects.filter(decision=Decision.DESTROY, destroyed_at__isnull=True)
    records = {r.case_id: r for r in approved}
    cases = _past_retention(days, today).filter(pk__in=records).order_by("pk")
    return [c.pk for c in cases if state_of(c, records[c.pk], days=days, today=today) == RetentionState.APPROVED]


def retention_due_count(*, today: dt.date | None = None) -> int:
    """Cases past retention still waiting for a reviewer's decision."""
    return sum(1 for row in retention_review_list(today=today) if row.state == RetentionState.DUE)


def case_destroy(
    *, organisation: Organisation, case_id: int, today: dt.date | None = None, now: dt.datetime | None = None
) -> Destroyed | None:
    """Destroy one approved case and its shared copies (see the module); None if it is not (or no longer) due.

    Call inside the organisation's schema. One transaction: any failure leaves the case whole.
    """
    today, now = today or london_today(), now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update(no_key=True).filter(pk=case_id).first()
        record = RetentionRecord.objects.select_for_update(no_key=True).filter(case_id=case_id).first()
        if case is None or record is None:
            return None
        if state_of(case, record, days=retention_days(), today=today) != RetentionState.APPROVED:
            return None
        concerns = Concern.objects.filter(case=case)
        done = Destroyed(
            case_id=case.pk,
            concerns=concerns.count(),
            entries=case.entries.count(),
            actions=case.actions.count(),
            openings=case.openings.count(),
            agenda_items=AgendaItem.objects.filter(case=case).count(),
            shared_copies=0,
        )
        concerns.delete()
        done.other_records = _scrub_survivors(case)
        # Whole segments: case:1 and case:1/..., never case:12 (see records_destroy).
        done.shared_copies = records_destroy(source=organisation, ref_prefix=f"case:{case.pk}")
        opened_on, closed_on = case.opened_on, case.closed_on
        case.delete()
        record.opened_on, record.closed_on, record.reason = opened_on, closed_on, ""
        record.destroyed_at, record.shared_copies_destroyed = now, done.shared_copies
        record.save()
        audit_record(
            action="welfare.case_destroy",
            organisation_id=organisation.pk,
            target_type="welfare.case",
            target_id=case_id,
            detail={
                "opened_on": opened_on.isoformat(),
                "closed_on": closed_on.isoformat(),
                "approved_by": record.decided_by_id,
                "approved_at": record.decided_at.isoformat(),
                "concerns": done.concerns,
                "entries": done.entries,
                "actions": done.actions,
                "openings": done.openings,
                "agenda_items": done.agenda_items,
                "shared_copies": done.shared_copies,
                "other_records_cleared": done.other_records,
            },
        )
    return done


@dataclass
class RunReport:
    approved: list[int] = field(default_factory=list)
    destroyed: list[Destroyed] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    awaiting_review: int = 0


def retention_destroy_run(
    *,
    organisation: Organisation,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> RunReport:
    """Destroy every approved case of the organisation whose schema is active, one transaction each."""
    today = today or london_today()
    report = RunReport(
        approved=cases_approved_for_destruction(today=today), awaiting_review=retention_due_count(today=today)
    )
    for n, case_id in enumerate(report.approved, start=1):
        if dry_run:
            progress(f"  [{n}/{len(report.approved)}] case {case_id}: would be destroyed")
            continue
        try:
            done = case_destroy(organisation=organisation, case_id=case_id, today=today)
        except Exception as error:  # noqa: BLE001 (one case's failure must not stop the others)
            report.failed[case_id] = type(error).__name__
            progress(f"  [{n}/{len(report.approved)}] case {case_id}: FAILED ({type(error).__name__}); left whole")
            continue
        if done is None:
            progress(f"  [{n}/{len(report.approved)}] case {case_id}: no longer due; left alone")
            continue
        report.destroyed.append(done)
        progress(
            f"  [{n}/{len(report.approved)}] case {case_id}: destroyed ({done.entries} chronology entries, "
            f"{done.concerns} concerns, {done.shared_copies} shared copies shredded)"
        )
    return report
