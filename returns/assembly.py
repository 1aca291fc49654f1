"""What the annual Prevent return counts, assembled from the organisation's own records and what its
franchise partners shared with it under agreements.

`assemble(organisation=, user=, year=, today=)` returns plain JSON (stored as a return's `data`):

    {"format": "prevent-return/v1", "organisation": str,
     "year": {"code": "2025-26", "label": str, "start": iso, "end": iso}, "as_of": iso, "complete": bool,
     "partners": [{"id", "name", "included", "reason", "threshold", "records": [{"id", "ref", "period",
                   "period_label", "version", "level", "shared_at", "agreement"}]}],
     "lines": [{"key", "section", "label", "indent", "own", "partners": {"<partner id>": value}, "total",
                "source": {"kind": "speaker_request" | "case" | "training", "ids": [int], "rule": str},
                "flags": [str]}],
     "gaps": [{"code", "about", "message"}]}

A value is an int (a count), a str (a partner's suppressed figure as received, "fewer than 5";
"at least n" for a sum including one; "not itemised" where a partner's report does not break a
figure down) or None: **no data**, a gap, never the same as 0.

Rules (OfS Prevent monitoring: the annual accountability and data return for higher education
providers in England; the seeds' case studies — Royal Holloway's central repository of speaker
requests "to record appropriate mandatory data", Brunel's and Sheffield's arrangements with
franchise partners):

* the year is the academic year, 1 August – 31 July, days in Europe/London;
* speaker and event requests count by the date of their outcome (`speakers.Decision.decided_at`,
  which withdrawals and decisions not to invite also write); "approved with conditions" is
  Prevent-related when any imposed mitigation's basis is Prevent, otherwise other;
* welfare cases count once per Prevent stage reached in the year (by the stage's own date);
  referrals to Prevent and for specialist support by the outcome's recorded date;
* training from `training.selectors.delivered_in` (completions by course kind);
* partners' figures only from reports received through the exchange (`sharing.records`, which asks
  `agreements.policy` on every open), at the level received: an annual report for the year if
  received, otherwise the year's termly reports; a partner with no agreement in force is not
  included and the gap is flagged.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from agreements.models import Level, Purpose, RecordKind
from agreements.policy import SharingDenied, access_receive
from agreements.selectors import small_number_threshold
from core.dates import day_ends, day_starts, london_date
from partners.periods import TERMS, Period, term
from partners.selectors import validated_partners
from sharing import records
from speakers.choices import MitigationBasis, Outcome, RejectionCategory
from speakers.models import Decision, EventRequest, RequestMitigation
from tenants.models import Organisation, User
from training import selectors as training_selectors
from welfare.choices import STAGE_FIELDS, PreventStage
from welfare.choices import Outcome as CaseOutcome
from welfare.models import Case, Concern

FORMAT = "prevent-return/v1"
NOT_ITEMISED = "not itemised"
SPEAKER_REQUEST, CASE, TRAINING = "speaker_request", "case", "training"
SECTIONS = {
    "speakers": "External speakers and events",
    "welfare": "Welfare cases and referrals",
    "training": "Training delivered",
}


@dataclass
class Line:
    key: str
    section: str
    label: str
    indent: int = 0
    own: int | None = None
    ids: list[int] = field(default_factory=list)
    kind: str = ""
    rule: str = ""
    # partner id -> (shown value, lower bound for totals); None = no data
    partners: dict[int, tuple[int | str | None, int]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def _gap(code: str, about: str, message: str) -> dict[str, str]:
    return {"code": code, "about": about, "message": message}


# --- Own records -------------------------------------------------------------------------------------


def _speaker_lines(year: Period) -> list[Line]:
    decisions = list(
        Decision.objects.filter(decided_at__gte=day_starts(year.start), decided_at__lt=day_ends(year.end))
        .order_by("request_id")
        .values_list("request_id", "outcome", "rejection_category")
    )
    prevent = set(
        RequestMitigation.objects.filter(
            request_id__in=[d[0] for d in decisions], basis=MitigationBasis.PREVENT
        ).values_list("request_id", flat=True)
    )

    def ids(test: Callable[[int, str, str], bool]) -> list[int]:
        return [pk for pk, outcome, category in decisions if test(pk, outcome, category)]

    mitigated = Outcome.APPROVED_WITH_MITIGATIONS
    rule = "Requests whose outcome was recorded in the year (decision, withdrawal or decision not to invite)."
    made = [
        ("approved", "Approved", 0, ids(lambda p, o, c: o == Outcome.APPROVED)),
        ("approved_with_conditions", "Approved with conditions or mitigations", 0, ids(lambda p, o, c: o == mitigated)),
        ("approved_with_conditions.prevent", "… because of a Prevent-related risk", 1,
         ids(lambda p, o, c: o == mitigated and p in prevent)),
        ("approved_with_conditions.other", "… for other reasons", 1,
         ids(lambda p, o, c: o == mitigated and p not in prevent)),
        ("rejected", "Rejected", 0, ids(lambda p, o, c: o == Outcome.REJECTED)),
    ]  # fmt: skip
    for category in RejectionCategory:
        # A rejection recorded without a category (only possible for imported history) counts as "other".
        def test(p: int, o: str, c: str, category: str = category.value) -> bool:
            return o == Outcome.REJECTED and (c or RejectionCategory.OTHER) == category

        made.append((f"rejected.{category.value}", f"… {category.label[0].lower()}{category.label[1:]}", 1, ids(test)))
    made += [
        ("withdrawn", "Withdrawn by the organiser", 0, ids(lambda p, o, c: o == Outcome.WITHDRAWN)),
        ("not_invited", "Decision not to invite the speaker", 0,
         ids(lambda p, o, c: o == Outcome.SPEAKER_NOT_INVITED)),
    ]  # fmt: skip
    return [
        Line(key=f"speakers.{key}", section="speakers", label=label, indent=indent, own=len(found), ids=found,
             kind=SPEAKER_REQUEST, rule=rule)
        for key, label, indent, found in made
    ]  # fmt: skip


def _welfare_lines(year: Period) -> list[Line]:
    lines = []
    for stage, stage_field in STAGE_FIELDS.items():
        found = list(
            Case.objects.filter(**{f"{stage_field}__gte": year.start, f"{stage_field}__lte": year.end})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        label = f"Cases escalated, stage reached: {PreventStage(stage).label}"
        rule = "Cases that reached this Prevent stage in the year (by its date)."
        lines.append(
            Line(
                key=f"welfare.{stage}", section="welfare", label=label, own=len(found), ids=found, kind=CASE, rule=rule
            )
        )
    for key, outcome, label in (
        ("referrals.prevent", CaseOutcome.PREVENT_REFERRAL, "Referrals to Prevent (Channel)"),
        ("referrals.specialist", CaseOutcome.SPECIALIST_ADVICE_SUPPORT, "Referrals for specialist advice and support"),
    ):
        found = list(
            Case.objects.filter(outcome=outcome, outcome_recorded_on__gte=year.start, outcome_recorded_on__lte=year.end)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        lines.append(Line(key=key, section="welfare", label=label, own=len(found), ids=found, kind=CASE,
                          rule="Cases whose outcome was recorded in the year."))  # fmt: skip
    return lines


def delivered_in(start: date, end: date) -> dict[str, int | None]:
    """Training delivered in the window, by kind (`training.selectors.delivered_in`: every value None
    when the organisation has recorded no training at all)."""
    return training_selectors.delivered_in(start, end)


TRAINING_KINDS = (
    ("induction", "Induction training (completions)"),
    ("refresher", "Refresher training (completions)"),
    ("briefing", "Broader briefings and sessions (people trained)"),
)


def _training_lines(year: Period) -> list[Line]:
    counts = delivered_in(year.start, year.end) or {}
    return [
        Line(key=f"training.{kind}", section="training", label=label, own=counts.get(kind), kind=TRAINING,
             rule="Training recorded as delivered in the year (the training records).")
        for kind, label in TRAINING_KINDS
    ]  # fmt: skip


def _months(year: Period, today: date) -> list[tuple[int, int]]:
    months, day = [], year.start
    while day <= year.end:
        months.append((day.year, day.month))
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _month_label(month: tuple[int, int]) -> str:
    return f"{calendar.month_name[month[1]]} {month[0]}"


def _speaker_months(year: Period) -> set[tuple[int, int]]:
    start, end = day_starts(year.start), day_ends(year.end)
    stamps = list(EventRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end).values_list(
        "submitted_at", flat=True))  # fmt: skip
    decided = Decision.objects.filter(decided_at__gte=start, decided_at__lt=end)
    stamps += list(decided.values_list("decided_at", flat=True))
    return {(d.year, d.month) for d in (london_date(s) for s in stamps)}


def _welfare_months(year: Period) -> set[tuple[int, int]]:
    start, end = year.start, year.end
    days = [london_date(s) for s in Concern.objects.filter(
        raised_at__gte=day_starts(start), raised_at__lt=day_ends(end)).values_list("raised_at", flat=True)]  # fmt: skip
    for name in ("opened_on", "outcome_recorded_on", *STAGE_FIELDS.values()):
        days += list(Case.objects.filter(**{f"{name}__gte": start, f"{name}__lte": end}).values_list(name, flat=True))
    return {(d.year, d.month) for d in days}


def _own_gaps(year: Period, today: date, lines: list[Line]) -> list[dict[str, str]]:
    gaps: list[dict[str, str]] = []
    months = _months(year, today)
    past = [m for m in months if date(m[0], m[1], 1) <= today]
    if len(past) < len(months):
        to_come = len(months) - len(past)
        gaps.append(_gap("year_not_over", "year", f"The year is not over: {to_come} month(s) still to come."))
    for section, seen, what in (
        ("speakers", _speaker_months(year), "speaker or event requests"),
        ("welfare", _welfare_months(year), "welfare concerns or cases"),
    ):
        section_lines = [line for line in lines if line.section == section]
        if not seen:
            for line in section_lines:
                line.own, line.flags = None, [*line.flags, "no data"]
            gaps.append(
                _gap(
                    f"{section}_no_records", section, f"No {what} recorded at all in the year: shown as no data, not 0."
                )
            )
            continue
        for month in past:
            if month not in seen:
                gaps.append(_gap(f"{section}_month_empty", section, f"No {what} recorded in {_month_label(month)}."))
    training = [line for line in lines if line.section == "training"]
    if all(line.own is None for line in training):
        for line in training:
            line.flags.append("no data")
        gaps.append(
            _gap(
                "training_no_data",
                "training",
                "No training data: the organisation has recorded no training, so training "
                "delivered is shown as no data, not 0.",
            )
        )
    return gaps


# --- Franchise partners, through the exchange ----------------------------------------------------------

REPORT_PREFIX = "report:"
# Line key -> (section, key) in a partner report's figures (`partners.assembly`, as sealed by
# `partners.projection`); NOT_ITEMISED where a partner report does not break the figure down.
PARTNER_SOURCE: dict[str, tuple[str, str] | str] = {
    "speakers.approved": ("speaker_requests", Outcome.APPROVED.value),
    "speakers.approved_with_conditions": ("speaker_requests", Outcome.APPROVED_WITH_MITIGATIONS.value),
    "speakers.rejected": ("speaker_requests", Outcome.REJECTED.value),
    "speakers.withdrawn": ("speaker_requests", Outcome.WITHDRAWN.value),
    "speakers.not_invited": ("speaker_requests", Outcome.SPEAKER_NOT_INVITED.value),
    **{f"welfare.{stage}": ("escalations", str(stage)) for stage in STAGE_FIELDS},
    "referrals.prevent": ("outcomes", CaseOutcome.PREVENT_REFERRAL.value),
    "referrals.specialist": ("outcomes", CaseOutcome.SPECIALIST_ADVICE_SUPPORT.value),
    "training.briefing": ("training", "attendees"),  # people trained, as our completions count
}


def _report_value(figures: dict[str, Any], section: str, key: str) -> tuple[int | str | None, int]:
    """One figure of a received report as received: (value, its least possible count)."""
    threshold = int(figures.get("threshold") or 5)
    if section == "speaker_requests":
        found = (figures.get("speaker_requests") or {}).get("by_outcome", {}).get(key)
    else:
        found = (figures.get(section) or {}).get(key)
    if isinstance(found, int):
        return found, found
    status = (figures.get("suppressed") or {}).get(f"{section}.{key}")
    if status == "small":
        return f"fewer than {threshold}", 1
    if status == "withheld":
        return "withheld", threshold
    return None, 0


def _combine(parts: list[tuple[int | str | None, int]]) -> tuple[int | str | None, int]:
    """Figures of several reports (or of us and our partners) added up; a suppressed part makes the sum
    'at least n' (n = the known counts plus each suppressed part's least possible count)."""
    known = [p for p in parts if p[0] is not None and p[0] != NOT_ITEMISED]
    if not known:
        return None, 0
    floor = sum(p[1] for p in known)
    if all(isinstance(p[0], int) for p in known):
        return floor, floor
    if len(known) == 1:
        return known[0]
    return f"at least {floor}", floor


def _record_row(view: records.RecordView) -> dict[str, Any]:
    period = view.data.get("period") or {}
    return {
        "id": view.id, "ref": view.ref, "period": period.get("code", view.ref[len(REPORT_PREFIX):]),
        "period_label": period.get("label", ""), "version": view.version, "level": view.level.label,
        "shared_at": view.shared_at.isoformat(), "agreement": view.agreement_title,
    }  # fmt: skip


def _reports_for_year(
    views: list[records.RecordView], partner: Organisation, year: Period, today: date
) -> tuple[list[records.RecordView], list[dict[str, str]]]:
    """The partner's reports that cover `year`: its annual report if received, otherwise its termly
    reports; and a gap for each term with none (missing once the term has ended, else not over)."""
    by_ref = {v.ref: v for v in views if v.ref.startswith(REPORT_PREFIX)}
    annual = by_ref.get(f"{REPORT_PREFIX}{year.code}")
    if annual is not None:
        return [annual], []
    used, gaps = [], []
    for name in TERMS:
        period = term(year.year, name)
        found = by_ref.get(f"{REPORT_PREFIX}{period.code}")
        if found is not None:
            used.append(found)
        elif period.end < today:
            message = f"{partner.name}: no report received for the {period.label}."
            gaps.append(_gap("partner_report_missing", partner.name, message))
        else:
            message = f"{partner.name}: the {period.label} is not over, so no report yet."
            gaps.append(_gap("partner_term_not_over", partner.name, message))
    return used, gaps


def _not_included(entry: dict[str, Any], partner: Organisation, denied: SharingDenied, lines: list[Line]) -> list:
    entry["reason"] = "No agreement in force lets us receive its reports, so its figures are not included."
    for line in lines:
        line.flags.append(f"excludes {partner.name} (no agreement in force)")
    why = denied.reason.value.replace("_", " ")
    message = f"{partner.name}: not included — no agreement in force lets us receive its reports ({why})."
    return [_gap("partner_no_agreement", partner.name, message)]


def _partner(
    organisation: Organisation, user: User, partner: Organisation, year: Period, today: date, lines: list[Line]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """One partner's entry and gaps; adds its figures (as received) to each line."""
    entry: dict[str, Any] = {"id": partner.pk, "name": partner.name, "included": False, "reason": "", "records": []}
    try:
        decision = access_receive(source_id=partner.pk, recipient_id=organisation.pk, kind=RecordKind.PARTNER_REPORT,
                                  level=Level.SUMMARY, purpose=Purpose.PARTNER_OVERSIGHT)  # fmt: skip
    except SharingDenied as denied:
        return entry, _not_included(entry, partner, denied, lines)
    entry["included"] = True
    entry["threshold"] = small_number_threshold(decision.agreement_id) if decision.agreement_id else 5
    views = records.records_received(organisation=organisation, user=user, kind=RecordKind.PARTNER_REPORT,
                                     purpose=Purpose.PARTNER_OVERSIGHT, source_id=partner.pk)  # fmt: skip
    used, gaps = _reports_for_year(views, partner, year, today)
    if used and used[0].ref != f"{REPORT_PREFIX}{year.code}":
        entry["reason"] = ("Termly reports run 1 September – 31 August, so August falls in the summer term's "
                           "report, not in the academic year's first month.")  # fmt: skip
    entry["records"] = [_record_row(v) for v in used]
    missing = sum(1 for g in gaps if g["code"] == "partner_report_missing")
    for line in lines:
        source = PARTNER_SOURCE.get(line.key)
        if source is None:
            line.partners[partner.pk] = (NOT_ITEMISED if used else None, 0)
            if used:  # the total is ours alone: say so rather than let it read as everyone's
                line.flags.append(f"total excludes {partner.name}: its reports do not break this figure down")
            continue
        if missing:
            line.flags.append(f"{partner.name}: {missing} term report(s) missing")
        line.partners[partner.pk] = _combine([_report_value(v.data.get("figures") or {}, *source) for v in used])
    return entry, gaps


# --- The return ----------------------------------------------------------------------------------------


def _shown(line: Line) -> dict[str, Any]:
    parts = [(line.own, line.own or 0), *line.partners.values()]
    total, _ = _combine(parts)
    return {
        "key": line.key, "section": line.section, "label": line.label, "indent": line.indent, "own": line.own,
        "partners": {str(pid): value for pid, (value, _floor) in line.partners.items()}, "total": total,
        "source": {"kind": line.kind, "ids": line.ids, "rule": line.rule}, "flags": line.flags,
    }  # fmt: skip


def assemble(*, organisation: Organisation, user: User, year: Period, today: date) -> dict[str, Any]:
    """The return for `year` as the records say now (see the module docstring for the shape).

    Must run inside `organisation`'s schema. Opening partners' reports through the exchange is
    audited there (ids only) and recorded for the partner to see; callers check the person's rights.
    """
    assert connection.schema_name == organisation.schema_name, "assemble inside the organisation's own schema"
    lines = [*_speaker_lines(year), *_welfare_lines(year), *_training_lines(year)]
    gaps = _own_gaps(year, today, lines)
    partners = []
    for partner in validated_partners(organisation):
        entry, partner_gaps = _partner(organisation, user, partner, year, today, lines)
        partners.append(entry)
        gaps += partner_gaps
    return {
        "format": FORMAT,
        "organisation": organisation.name,
        "year": {
            "code": year.academic_year,
            "label": year.label,
            "start": year.start.isoformat(),
            "end": year.end.isoformat(),
        },  # fmt: skip
        "as_of": today.isoformat(),
        "complete": year.end < today,
        "partners": partners,
        "lines": [_shown(line) for line in lines],
        "gaps": gaps,
    }
