"""Reads: the partner's own reports and what is due; the validating university's assurance view.

Overdue rule (one place, `overdue_periods`): a term's report is due `OVERDUE_AFTER_DAYS` (30) days
after the term ends, for every term that ended while the franchise agreement was in force (its
end date on or after the agreement's start date), looking back at most `LOOK_BACK_TERMS` terms. It
is overdue once that day has passed and no version has been sent — a termly report for the term,
or an annual report whose academic year covers it. Drafts do not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from agreements.models import AgreementFlow, Level, Purpose, RecordKind
from agreements.policy import SharingDenied, access_receive
from agreements.selectors import AgreementRow, agreement_rows
from agreements.states import State
from core.dates import today as london_today
from partners.models import PartnerReport, ReportComment, ReportStatus, TrainingRecord
from partners.periods import Period, period_from_code, terms_ended_by
from referrals.selectors import received_summary_for
from sharing import records
from sharing.models import SharedCheck
from tenants.models import LinkKind, Organisation, User
from tenants.scopes import Scope, has_scope

OVERDUE_AFTER_DAYS = 30
LOOK_BACK_TERMS = 3
REF_PREFIX = "report:"


def validating_universities(organisation: Organisation) -> list[Organisation]:
    """The organisations that validate `organisation` (normally one), by name."""
    return list(
        Organisation.objects.filter(links_out__target=organisation, links_out__kind=LinkKind.VALIDATES).order_by("name")
    )


def validated_partners(organisation: Organisation) -> list[Organisation]:
    """The partners `organisation` validates, by name."""
    return list(
        Organisation.objects.filter(links_in__source=organisation, links_in__kind=LinkKind.VALIDATES).order_by("name")
    )


def partner_agreement(university: Organisation, partner: Organisation) -> AgreementRow | None:
    """The agreement between the two that lets the partner report to the university: the active one if any,
    otherwise the most recent that did (so a page can say it ended); None if there never was one."""
    ids = set(
        AgreementFlow.objects.filter(sender=partner, recipient=university, kind=RecordKind.PARTNER_REPORT).values_list(
            "agreement_id", flat=True
        )
    )
    found = [row for row in agreement_rows(university) if row.agreement.pk in ids]
    active = [r for r in found if r.state == State.ACTIVE]
    if active:
        return active[0]
    return found[0] if found else None


def due_date(period: Period) -> date:
    return period.end + timedelta(days=OVERDUE_AFTER_DAYS)


def overdue_periods(*, sent: set[str], since: date | None, today: date) -> list[Period]:
    """Terms whose report is overdue (see the module docstring), oldest first. `sent`: period codes
    with a sent version; `since`: the agreement's start date (None: nothing is due)."""
    if since is None:
        return []
    sent_periods = [period_from_code(code) for code in sent]
    overdue = []
    for term in terms_ended_by(today, LOOK_BACK_TERMS):
        if term.end < since or today <= due_date(term):
            continue
        if not any(p.covers(term) for p in sent_periods):
            overdue.append(term)
    return sorted(overdue)


# --- The partner's own reports ---------------------------------------------------------------


def report_get(pk: int) -> PartnerReport:
    found = PartnerReport.objects.select_related("assembled_by", "signed_off_by").filter(pk=pk).first()
    if found is None:
        raise Http404("No such report.")
    return found


def report_versions(period_code: str) -> QuerySet[PartnerReport]:
    return PartnerReport.objects.filter(period_code=period_code).select_related("signed_off_by").order_by("-version")


@dataclass(frozen=True)
class PeriodReports:
    period: Period
    versions: list[PartnerReport]  # newest first

    @property
    def draft(self) -> PartnerReport | None:
        return next((r for r in self.versions if r.is_draft), None)

    @property
    def last_sent(self) -> PartnerReport | None:
        return next((r for r in self.versions if r.status == ReportStatus.SENT), None)


def reports_by_period() -> list[PeriodReports]:
    """Every period we reported on (or drafted), newest period first, each with its versions."""
    grouped: dict[str, list[PartnerReport]] = {}
    for report in PartnerReport.objects.select_related("signed_off_by").order_by("-period_end", "-version"):
        grouped.setdefault(report.period_code, []).append(report)
    periods = [PeriodReports(period_from_code(code), versions) for code, versions in grouped.items()]
    return sorted(periods, key=lambda p: (p.period.end, p.period.name), reverse=True)


@dataclass(frozen=True)
class PartnerStatus:
    """The partner's own view of what it owes: its universities, the agreement and overdue terms."""

    universities: list[Organisation]
    agreement: AgreementRow | None
    overdue: list[Period]


def partner_status(organisation: Organisation, today: date | None = None) -> PartnerStatus:
    today = today or london_today()
    universities = validating_universities(organisation)
    agreement = partner_agreement(universities[0], organisation) if universities else None
    sent = set(PartnerReport.objects.filter(status=ReportStatus.SENT).values_list("period_code", flat=True))
    since = agreement.agreement.current_version.start_date if agreement and agreement.state == State.ACTIVE else None
    return PartnerStatus(universities, agreement, overdue_periods(sent=sent, since=since, today=today))


def own_training(limit: int = 50) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(partner_id__isnull=True).select_related("recorded_by")[:limit]


# --- The validating university ---------------------------------------------------------------


@dataclass
class PartnerBlock:
    partner: Organisation
    agreement: AgreementRow | None
    reports: list[Any]  # sharing.records.RecordView, newest period first
    overdue: list[Period]
    training: list[TrainingRecord]
    referrals: dict[str, Any] | None  # referrals.selectors.received_summary_for, for holders of its right
    comments: dict[int, int] = field(default_factory=dict)  # record id -> number of our comments

    @property
    def agreement_active(self) -> bool:
        return self.agreement is not None and self.agreement.state == State.ACTIVE

    @property
    def last_report(self) -> Any | None:
        return self.reports[0] if self.reports else None

    @property
    def needs_attention(self) -> bool:
        return bool(self.overdue) or not self.agreement_active or bool(self.agreement and self.agreement.review_due)

    def due_dates(self) -> list[tuple[Period, date]]:
        return [(p, due_date(p)) for p in self.overdue]


def _period_end(view: Any) -> str:
    return str((view.data.get("period") or {}).get("end", ""))


def _received_reports(university: Organisation, user: User, partner: Organisation) -> list[Any]:
    views = records.records_received(organisation=university, user=user, kind=RecordKind.PARTNER_REPORT,
                                     purpose=Purpose.PARTNER_OVERSIGHT, source_id=partner.pk)  # fmt: skip
    return sorted((v for v in views if v.ref.startswith(REF_PREFIX)), key=_period_end, reverse=True)


def _referrals(university: Organisation, user: User, partner: Organisation) -> dict[str, Any] | None:
    if not has_scope(user, university, Scope.REFERRALS_READ_RECEIVED):
        return None
    return received_summary_for(organisation=university, user=user, source_id=partner.pk)


def assurance(university: Organisation, user: User, today: date | None = None) -> list[PartnerBlock]:
    """One block per partner `university` validates, those needing attention (overdue) first.

    Reports come from the exchange through the policy only: when the agreement has ended, nothing
    received from the partner opens any more and the block says so.
    """
    today = today or london_today()
    blocks = []
    for partner in validated_partners(university):
        agreement = partner_agreement(university, partner)
        reports = _received_reports(university, user, partner)
        active = agreement is not None and agreement.state == State.ACTIVE
        since = agreement.agreement.current_version.start_date if active and agreement else None
        sent = {v.ref[len(REF_PREFIX) :] for v in reports}
        training = list(TrainingRecord.objects.filter(partner_id=partner.pk).select_related("recorded_by")[:20])
        comments: dict[int, int] = {}
        for record_id in ReportComment.objects.filter(source_id=partner.pk).values_list("record_id", flat=True):
            comments[record_id] = comments.get(record_id, 0) + 1
        blocks.append(PartnerBlock(
            partner=partner, agreement=agreement, reports=reports,
            overdue=overdue_periods(sent=sent, since=since, today=today), training=training,
            referrals=_referrals(university, user, partner), comments=comments,
        ))  # fmt: skip
    return sorted(blocks, key=lambda b: (not b.needs_attention, b.partner.name))


def overdue_from(university: Organisation, partner: Organisation, today: date | None = None) -> list[Period]:
    """The terms whose report from `partner` is overdue at `university`, by the assurance page's rule
    (`overdue_periods`), for the daily sweep: no report is opened (nobody reads them), only which
    periods the partner sent that the policy lets the university receive now. Empty when no agreement
    in force lets the partner report to it (the assurance page says that instead)."""
    today = today or london_today()
    agreement = partner_agreement(university, partner)
    if agreement is None or agreement.state != State.ACTIVE:
        return []
    try:
        access_receive(source_id=partner.pk, recipient_id=university.pk, kind=RecordKind.PARTNER_REPORT,
                       level=Level.SUMMARY, purpose=Purpose.PARTNER_OVERSIGHT)  # fmt: skip
    except SharingDenied:
        return []
    refs = SharedCheck.objects.filter(
        source=partner, recipient=university, kind=RecordKind.PARTNER_REPORT, source_ref__startswith=REF_PREFIX,
        is_current=True, withdrawn_at__isnull=True, destroyed_at__isnull=True, expires_at__gt=timezone.now(),
    ).values_list("source_ref", flat=True)  # fmt: skip
    sent = {ref[len(REF_PREFIX) :] for ref in refs}
    since = agreement.agreement.current_version.start_date
    return overdue_periods(sent=sent, since=since, today=today)


def received_report(university: Organisation, user: User, record_id: int) -> tuple[Any, list[ReportComment]]:
    """One report a partner sent us, opened through the policy (SharingDenied, shown as 404, if not
    allowed now), with our comments on every version of that period."""
    view = records.record_open(organisation=university, user=user, record_id=record_id,
                               purpose=Purpose.PARTNER_OVERSIGHT, kind=RecordKind.PARTNER_REPORT)  # fmt: skip
    if view.kind != RecordKind.PARTNER_REPORT:
        raise Http404("Not found.")
    comments = list(ReportComment.objects.filter(source_id=view.source_id, ref=view.ref).select_related("author"))
    return view, comments
