"""Writes: assemble, edit and sign off a partner report; record training; comment on a received report.

Every service takes the acting person, checks the right it needs (the scope table, asked again
here so a page, the API and a task cannot differ), and writes its audit event in the same
transaction. Audit details carry ids, period codes and counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from agreements.models import Level, Purpose, RecordKind
from agreements.policy import SharingDenied, access_receive
from agreements.selectors import small_number_threshold
from core.audit import audit_record
from core.dates import today as london_today
from partners import assembly, notices
from partners.models import MAX_ATTENDEES, PartnerReport, ReportComment, ReportStatus, TrainingRecord
from partners.periods import Period, choosable_periods, period_from_code
from partners.projection import report_record
from partners.selectors import validated_partners, validating_universities
from partners.suppression import DEFAULT_THRESHOLD
from sharing import records
from tenants.models import Organisation, User
from tenants.scopes import Scope, require_scope

NARRATIVE_FIELDS = ("training_delivered", "policy_changes", "open_actions", "comments")
NARRATIVE_LIMIT = 10_000
COMMENT_LIMIT = 5_000
NOT_SHAREABLE = (
    "No information-sharing agreement in force lets {university} receive partner reports from us now, so the "
    "report was not signed off and stays a draft. Ask your organisation's signatory to check the franchise "
    "agreement (it may have ended, been suspended or not yet started)."
)


def _in_schema(organisation: Organisation) -> None:
    assert connection.schema_name == organisation.schema_name, "call inside the organisation's own schema"


def _period(period: Period | str) -> Period:
    if isinstance(period, Period):
        return period
    try:
        return period_from_code(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc


def report_assemble(*, actor: User, organisation: Organisation, period: Period | str) -> PartnerReport:
    """The draft for `period`, (re-)assembled from our records now.

    With a draft for the period already, its figures are refreshed in place (its narrative is
    kept). Otherwise a new draft is made: version 1, or the next version after what was sent
    before — re-filing a period makes a new version, never a duplicate.
    """
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.PARTNERS_REPORT)
    chosen = _period(period)
    today = london_today()
    if chosen.start > today:
        raise ValidationError({"period": f"{chosen.label} has not started yet; choose a period that has."})
    if chosen.code not in {p.code for p in choosable_periods(today, terms=12)}:
        raise ValidationError({"period": f"{chosen.label} is too far back to report on through the hub."})
    with transaction.atomic():
        figures = assembly.figures_for(chosen, today)
        draft = (
            PartnerReport.objects.select_for_update(no_key=True).filter(period_code=chosen.code, status="draft").first()
        )
        now = timezone.now()
        if draft is None:
            latest = PartnerReport.objects.filter(period_code=chosen.code).aggregate(n=Max("version"))["n"] or 0
            draft = PartnerReport.objects.create(
                period_code=chosen.code, period_kind=chosen.kind, period_start=chosen.start, period_end=chosen.end,
                version=latest + 1, figures=figures, assembled_by=actor, assembled_at=now, updated_at=now,
            )  # fmt: skip
            action = "partners.report.assemble"
        else:
            draft.figures, draft.assembled_by, draft.assembled_at, draft.updated_at = figures, actor, now, now
            draft.save(update_fields=["figures", "assembled_by", "assembled_at", "updated_at"])
            action = "partners.report.reassemble"
        audit_record(action=action, actor=actor, organisation_id=organisation.pk, target=draft,
                     detail={"period": chosen.code, "version": draft.version})  # fmt: skip
    return draft


@dataclass(frozen=True)
class Narrative:
    training_delivered: str = ""
    policy_changes: str = ""
    open_actions: str = ""
    comments: str = ""


def _require_draft(report: PartnerReport) -> None:
    if not report.is_draft:
        raise ValidationError(
            f"Version {report.version} was signed off and sent; it cannot change. Assemble the period again to "
            "make a new version."
        )


def report_edit(
    *, actor: User, organisation: Organisation, report: PartnerReport, narrative: Narrative
) -> PartnerReport:
    """Change what the partner writes in a draft (the assembled figures stay as assembled)."""
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.PARTNERS_REPORT)
    errors = {
        name: f"Keep this under {NARRATIVE_LIMIT:,} characters."
        for name in NARRATIVE_FIELDS
        if len(getattr(narrative, name)) > NARRATIVE_LIMIT
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = PartnerReport.objects.select_for_update(no_key=True).get(pk=report.pk)
        _require_draft(report)
        for name in NARRATIVE_FIELDS:
            setattr(report, name, getattr(narrative, name).strip())
        report.updated_at = timezone.now()
        report.save(update_fields=[*NARRATIVE_FIELDS, "updated_at"])
        audit_record(action="partners.report.edit", actor=actor, organisation_id=organisation.pk, target=report,
                     detail={"period": report.period_code, "version": report.version})  # fmt: skip
    return report


def report_sign_off(*, actor: User, organisation: Organisation, report: PartnerReport) -> PartnerReport:
    """The Prevent lead signs off a draft: it is sealed in the exchange for each validating university
    at summary level under the agreement, in one transaction. Refused (nothing signed, nothing shared)
    when no agreement allows it now."""
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.PARTNERS_SIGN_OFF)
    universities = validating_universities(organisation)
    if not universities:
        raise ValidationError(
            "No validating university is linked to this organisation, so there is nobody to send the report to. "
            "A platform operator links a partner to the university that validates it."
        )
    try:
        return _sign_off_and_share(actor=actor, organisation=organisation, report=report, universities=universities)
    except _Refused as refused:
        audit_record(action="partners.report.sign_off_refused", actor=actor, organisation_id=organisation.pk,
                     target_type="partners.partnerreport", target_id=report.pk,
                     detail={"period": report.period_code, "reason": refused.reason})  # fmt: skip
        raise ValidationError(NOT_SHAREABLE.format(university=refused.university.name)) from refused


class _Refused(Exception):  # noqa: N818
    def __init__(self, university: Organisation, reason: str) -> None:
        super().__init__(reason)
        self.university, self.reason = university, reason


def _sign_off_and_share(
    *, actor: User, organisation: Organisation, report: PartnerReport, universities: list[Organisation]
) -> PartnerReport:
    with transaction.atomic():
        report = PartnerReport.objects.select_for_update(no_key=True).get(pk=report.pk)
        _require_draft(report)
        now = timezone.now()
        report.status, report.signed_off_by, report.signed_off_at = ReportStatus.SENT, actor, now
        shared = []
        for university in universities:
            try:
                record = _record_for(report, organisation=organisation, signer=actor, university=university)
                row = records.record_share(
                    actor=actor, source=organisation, kind=RecordKind.PARTNER_REPORT,
                    purpose=Purpose.PARTNER_OVERSIGHT, ref=report_ref(report.period_code), recipient=university,
                    level=Level.SUMMARY, record=record,
                )  # fmt: skip
            except SharingDenied as denied:
                raise _Refused(university, denied.reason.value) from denied
            shared.append({"recipient_id": university.pk, "record_id": row.pk, "version": row.version})
        report.shared_as, report.updated_at = shared, now
        report.save(update_fields=["status", "signed_off_by", "signed_off_at", "shared_as", "updated_at"])
        audit_record(action="partners.report.sign_off", actor=actor, organisation_id=organisation.pk, target=report,
                     detail={"period": report.period_code, "version": report.version,
                             "records": [s["record_id"] for s in shared]})  # fmt: skip
        for university, sent in zip(universities, shared, strict=True):
            notices.report_arrived(report, partner=organisation, university=university, record_id=sent["record_id"])
    return report


def _record_for(report: PartnerReport, *, organisation: Organisation, signer: User, university: Organisation) -> dict:
    """The sealed record for one university, suppressed with the threshold of the agreement it goes under."""
    decision = access_receive(source_id=organisation.pk, recipient_id=university.pk, kind=RecordKind.PARTNER_REPORT,
                              level=Level.SUMMARY, purpose=Purpose.PARTNER_OVERSIGHT)  # fmt: skip
    threshold = small_number_threshold(decision.agreement_id) if decision.agreement_id else DEFAULT_THRESHOLD
    return report_record(report, organisation=organisation, signer=signer, threshold=threshold)


def report_ref(period_code: str) -> str:
    return f"report:{period_code}"


def training_record(
    *,
    actor: User,
    organisation: Organisation,
    delivered_on: date,
    topic: str,
    audience: str,
    attendees: int,
    partner: Organisation | None = None,
) -> TrainingRecord:
    """Record training delivered: to our own staff (`partner` None, PARTNERS_REPORT), or — by a
    validating university — to the staff of a partner it validates (PARTNERS_TRAINING)."""
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.PARTNERS_REPORT if partner is None else Scope.PARTNERS_TRAINING)
    errors: dict[str, str] = {}
    if partner is not None and partner.pk not in {p.pk for p in validated_partners(organisation)}:
        errors["partner"] = "Choose a partner your organisation validates."
    if delivered_on > london_today():
        errors["delivered_on"] = "Training is recorded once delivered: the date cannot be in the future."
    if not topic.strip() or len(topic) > 200:
        errors["topic"] = "Give the topic in up to 200 characters, e.g. 'Prevent awareness refresher'."
    if not audience.strip() or len(audience) > 200:
        errors["audience"] = "Say who attended in up to 200 characters, e.g. 'Student services staff'."
    if not 1 <= attendees <= MAX_ATTENDEES:
        errors["attendees"] = f"Give the number who attended, from 1 to {MAX_ATTENDEES:,}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = TrainingRecord.objects.create(
            delivered_on=delivered_on, topic=topic.strip(), audience=audience.strip(), attendees=attendees,
            partner_id=partner.pk if partner else None, recorded_by=actor,
        )  # fmt: skip
        audit_record(action="partners.training.record", actor=actor, organisation_id=organisation.pk, target=row,
                     detail={"partner_id": row.partner_id, "attendees": attendees})  # fmt: skip
    return row


def report_comment_add(*, actor: User, organisation: Organisation, record_id: int, text: str) -> ReportComment:
    """A comment by the validating university on a report it may read now (kept at the university)."""
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.PARTNERS_TRAINING)
    if not text.strip() or len(text) > COMMENT_LIMIT:
        raise ValidationError({"text": f"Write the comment (up to {COMMENT_LIMIT:,} characters)."})
    view = records.record_open(organisation=organisation, user=actor, record_id=record_id,
                               purpose=Purpose.PARTNER_OVERSIGHT, kind=RecordKind.PARTNER_REPORT)  # fmt: skip
    if view.kind != RecordKind.PARTNER_REPORT:
        raise Http404("Not found.")
    with transaction.atomic():
        comment = ReportComment.objects.create(
            source_id=view.source_id, record_id=view.id, ref=view.ref, record_version=view.version,
            text=text.strip(), author=actor,
        )  # fmt: skip
        audit_record(action="partners.report.comment", actor=actor, organisation_id=organisation.pk, target=comment,
                     detail={"record_id": view.id, "source_id": view.source_id})  # fmt: skip
    return comment
