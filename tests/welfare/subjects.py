"""Seeded welfare records about fictional people, for the subject access and retention tests.

Every name is fictional. "Zoë Ó Briain" is the requester; "Zoe O'Brien" is a near-name variant
(another person where a date of birth says so); the rest are other people, of many backgrounds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from agreements.models import Level, Purpose, RecordKind
from core.dates import today
from sharing import records
from tenants.models import Organisation, User
from welfare.choices import CaseStatus, ConcernStatus, EntryKind, IdeologyCategory, Outcome, TriageOutcome
from welfare.models import AgendaItem, Case, CaseAction, CaseEntry, CaseOpening, Concern, Meeting

TODAY = today()
ZOE_BORN = dt.date(2004, 3, 14)
OTHER_ZOE_BORN = dt.date(2001, 7, 2)


@dataclass
class Seeded:
    """Ids of what was seeded, by what a search for Zoë Ó Briain should do with it."""

    matches: dict[str, int] = field(default_factory=dict)  # "concern:A1" style labels -> ids
    possible: dict[str, int] = field(default_factory=dict)
    different: dict[str, int] = field(default_factory=dict)
    unrelated: dict[str, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)  # every text stored about Zoë (must be in the export)
    case: Case | None = None
    meeting: Meeting | None = None


def concern(raiser: User | None, given: str, family: str, text: str, **fields: object) -> Concern:
    return Concern.objects.create(
        raised_by=raiser,
        subject_given_name=given,
        subject_family_name=family,
        observed_on=fields.pop("observed_on", TODAY - dt.timedelta(days=30)),
        what_happened=text,
        **fields,
    )


def case(given: str, family: str, **fields: object) -> Case:
    return Case.objects.create(
        subject_given_name=given,
        subject_family_name=family,
        opened_on=fields.pop("opened_on", TODAY - dt.timedelta(days=20)),
        **fields,
    )


def seed_zoe(raiser: User, officer: User, lead: User) -> Seeded:
    """Zoë's concerns and case in the current schema, with near-name variants and other people."""
    seeded = Seeded()
    zoe_case = case(
        "Zoë", "Ó Briain", subject_date_of_birth=ZOE_BORN, subject_number="S 123 4567", opened_by=officer,
        summary="Talk of a group chat sharing extremist videos; support offered through the wellbeing team.",
        prevent_lead_involved_on=TODAY - dt.timedelta(days=15), external_advice_sought_on=TODAY - dt.timedelta(days=10),
        outcome=Outcome.SPECIALIST_ADVICE_SUPPORT, outcome_recorded_on=TODAY - dt.timedelta(days=5),
        ideology_category=IdeologyCategory.MIXED_UNCLEAR_UNSTABLE,
        freedom_of_speech_notes="Her debating society posts are lawful and not part of the concern.",
        context_notes="Recently moved into the Harrowgate halls; exams in May.",
    )  # fmt: skip
    zoe_case.team.add(officer, lead)
    first = concern(
        raiser, "Zoë", "Ó Briain", "Heard saying in the Larkfield library that a video group was 'the only truth'.",
        subject_date_of_birth=ZOE_BORN, status=ConcernStatus.CLOSED, triage_outcome=TriageOutcome.CASE_OPENED,
        triaged_by=officer, triage_note="Opened a case: repeated over two weeks.", case=zoe_case,
    )  # fmt: skip
    merged = concern(
        raiser, "Zo\u200bë", "Ó\u00a0Briain", "Left a printed leaflet from the video group in the Tamsin Hall kitchen.",
        status=ConcernStatus.CLOSED, triage_outcome=TriageOutcome.MERGED, case=zoe_case,
    )  # fmt: skip
    loose = concern(
        raiser, "  zoe ", "O   BRIAIN", "Seemed withdrawn in the Quarrybank seminar; no sign of risk.",
        status=ConcernStatus.CLOSED, triage_outcome=TriageOutcome.ADVICE_GIVEN, triage_note="Advice on wellbeing.",
    )  # fmt: skip
    entries = [
        CaseEntry.objects.create(case=zoe_case, kind=EntryKind.CONTACT, occurred_on=TODAY - dt.timedelta(days=14),
                                 text="Met her with the wellbeing adviser at Fenwick House.", recorded_by=officer),
        CaseEntry.objects.create(case=zoe_case, kind=EntryKind.DECISION, occurred_on=TODAY - dt.timedelta(days=9),
                                 text="Sought advice from the regional Prevent coordinator.", recorded_by=lead),
    ]  # fmt: skip
    meeting = Meeting.objects.create(
        held_on=TODAY - dt.timedelta(days=12), notes="General notes about several students (not only this one).",
        created_by=lead,
    )  # fmt: skip
    AgendaItem.objects.create(meeting=meeting, case=zoe_case, position=1, discussion="Agreed weekly check-ins.")
    actions = [
        CaseAction.objects.create(case=zoe_case, description="Weekly check-in with the Orchard Street tutor",
                                  owner=officer, due_on=TODAY + dt.timedelta(days=7), meeting=meeting),
        CaseAction.objects.create(case=zoe_case, description="Share the mentoring scheme details", owner=lead,
                                  done=True, done_on=TODAY - dt.timedelta(days=2)),
    ]  # fmt: skip
    CaseOpening.objects.create(case=zoe_case, opened_by=lead, reason="Preparing for the weekly meeting.")
    seeded.case, seeded.meeting = zoe_case, meeting
    seeded.matches = {"case": zoe_case.pk, "concern:first": first.pk, "concern:merged": merged.pk,
                      "concern:loose": loose.pk}  # fmt: skip
    seeded.texts = [
        zoe_case.summary, zoe_case.freedom_of_speech_notes, zoe_case.context_notes,
        first.what_happened, first.triage_note, merged.what_happened, loose.what_happened, loose.triage_note,
        *(e.text for e in entries), *(a.description for a in actions), "Agreed weekly check-ins.",
        "Preparing for the weekly meeting.",
    ]  # fmt: skip
    # Near names: Zoe O'Brien born on another day is another person; with no date of birth, maybe Zoë.
    seeded.different["concern:other-zoe"] = concern(
        raiser, "Zoe", "O'Brien", "Argument at the Kestrel Court bus stop.", subject_date_of_birth=OTHER_ZOE_BORN
    ).pk
    seeded.possible["concern:zoe-obrien"] = concern(raiser, "Zoe", "O'Brien", "Missed three Wrenfield lab sessions.").pk
    seeded.unrelated["concern:tendai"] = concern(raiser, "Tendai", "Moyo", "Asked where the Alder library is.").pk
    seeded.unrelated["case:wiremu"] = case("Wiremu", "Ngata", status=CaseStatus.OPEN).pk
    seeded.unrelated["case:chloe"] = case("Chloe", "Brennan", subject_number="S 765 4321").pk
    return seeded


def share_referral(source: Organisation, recipient: Organisation, *, ref: str, level: int, data: dict) -> object:
    """A referral the source shares with the recipient through the exchange (the agreement must allow it)."""
    record = {"pseudonym": records.pseudonym(source_id=source.pk, ref=ref, recipient_id=recipient.pk), **data}
    return records.record_share(
        actor=None,
        source=source,
        kind=RecordKind.REFERRAL,
        purpose=Purpose.SAFEGUARDING_REFERRAL,
        ref=ref,
        recipient=recipient,
        level=level,
        record=record,
    )


FULL, SUMMARY = int(Level.FULL), int(Level.SUMMARY)
