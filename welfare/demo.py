"""Fictional welfare concerns, cases and meetings for the demo partner and its validating university.

Every name is invented. Names of many backgrounds are spread across every outcome and every
ideology category by a fixed rotation that has nothing to do with either: nothing here may suggest
that risk follows a name, a faith or an origin. Cases are spread over the last two terms and cover
every Prevent stage (none, lead involved, advice sought, formal referral) and every outcome.

Idempotent: an organisation that already has welfare records is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django_tenants.utils import tenant_context

from core.dates import LONDON, today
from tenants.models import Organisation, User
from welfare.choices import (
    CaseStatus,
    ConcernStatus,
    EntryKind,
    IdeologyCategory,
    Outcome,
    SubjectKind,
    TriageOutcome,
)
from welfare.models import AgendaItem, Case, CaseAction, CaseEntry, CaseOpening, Concern, Meeting

NAMES = [
    ("Amani", "Njoroge"), ("Bethan", "Pryce"), ("Cillian", "Doherty"), ("Dilnoza", "Rashidova"),
    ("Emeka", "Chukwu"), ("Freya", "Lindgren"), ("Gurpreet", "Sandhu"), ("Hana", "Kobayashi"),
    ("Ivan", "Petrenko"), ("Kateryna", "Bondar"), ("Liam", "O'Sullivan"), ("Mariam", "Qasim"),
    ("Nikolai", "Voronov"), ("Olamide", "Adeyinka"), ("Paulo", "Ferreira"), ("Qi", "Zhang"),
    ("Rosa", "Delgado"), ("Saoirse", "Byrne"), ("Tariq", "Mahmood"), ("Uzma", "Siddiqui"),
    ("Vusi", "Dlamini"), ("Wiktoria", "Zielińska"), ("Xavier", "Dupont"), ("Yaw", "Boateng"),
    ("Zainab", "Bello"), ("Callum", "Reid"), ("Ellie", "Hargreaves"), ("Mateo", "Rossi"),
    ("Aleksander", "Nowicki"), ("Siân", "Llewellyn"), ("Farhan", "Chowdhury"), ("Leilani", "Kealoha"),
]  # fmt: skip

# (outcome or "" while undecided, stages reached 0-3, days ago the case opened).
CASES = [
    (Outcome.NO_FURTHER_ACTION, 0, 210),
    (Outcome.NO_FURTHER_ACTION, 1, 95),
    (Outcome.INTERNAL_SUPPORT, 1, 190),
    (Outcome.INTERNAL_SUPPORT, 2, 40),
    (Outcome.SPECIALIST_ADVICE_SUPPORT, 2, 170),
    (Outcome.SPECIALIST_ADVICE_SUPPORT, 2, 75),
    (Outcome.PREVENT_REFERRAL, 3, 150),
    (Outcome.PREVENT_REFERRAL, 3, 60),
    (Outcome.POLICE_REFERRAL, 3, 130),
    (Outcome.POLICE_REFERRAL, 3, 50),
    ("", 0, 12),
    ("", 1, 25),
    ("", 2, 35),
    ("", 3, 30),
]
STAGE_OFFSETS = (3, 9, 16)  # days after opening that each stage was reached
IDEOLOGIES = list(IdeologyCategory.values)

WHAT_HAPPENED = [
    "Overheard repeating slogans from an online channel and saying that violence against a group was justified.",
    "Tutor noticed a sudden withdrawal from friends and new interest in material glorifying an attack.",
    "Shared a meme in a course group chat that mocked victims of a recent attack.",
    "Said in a seminar that they had been 'recruited' online and seemed frightened about it.",
    "Library staff saw extremist propaganda left on a shared printer after the student's session.",
    "A classmate reported that they were being pressured to join a closed online group.",
    "Wrote an essay reflection that mixed grievances about several causes and praised a mass attack.",
]
ENTRIES = [
    (
        EntryKind.CONTACT,
        "Spoke with the personal tutor; agreed a supportive check-in rather than a disciplinary route.",
    ),
    (EntryKind.NOTE, "Met the student with the wellbeing adviser; they engaged well and talked about isolation."),
    (EntryKind.DOCUMENT, "Tutor's written account of the seminar, kept in the safeguarding drive (case folder)."),
    (EntryKind.DECISION, "Agreed at the students-of-concern meeting to continue support and review in four weeks."),
]


@dataclass(frozen=True)
class Cast:
    lead: User
    officer: User
    raisers: list[User]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def _people(slug: str) -> Cast | None:
    emails = {
        "northmoor": ("amara.okafor@northmoor.example", "yusuf.haddad@northmoor.example",
                      ["siobhan.kelly@northmoor.example", "tomasz.nowak@northmoor.example"]),
        "northmoor-college": ("fatima.rahman@northmoor-college.example", "kofi.asante@northmoor-college.example",
                              ["rhiannon.evans@northmoor-college.example"]),
    }[slug]  # fmt: skip
    lead = User.objects.filter(email=emails[0]).first()
    officer = User.objects.filter(email=emails[1]).first() or lead
    raisers = [u for u in User.objects.filter(email__in=emails[2])] or [officer]
    return Cast(lead, officer, raisers) if lead and officer else None


def demo_welfare(by_slug: dict[str, Organisation]) -> None:
    """Create the demo's welfare records where an organisation has none yet."""
    for offset, slug in enumerate(("northmoor-college", "northmoor")):
        organisation = by_slug.get(slug)
        cast = _people(slug)
        if organisation is None or cast is None:
            continue
        with tenant_context(organisation), transaction.atomic():
            if Concern.objects.exists() or Case.objects.exists():
                continue
            cases = [_case(cast, index + offset * 7, spec) for index, spec in enumerate(CASES)]
            _loose_concerns(cast, offset)
            _meetings(cast, cases)


def _case(cast: Cast, index: int, spec: tuple[str, int, int]) -> Case:
    outcome, stages, days_ago = spec
    given, family = NAMES[(index * 5) % len(NAMES)]
    opened_on = today() - timedelta(days=days_ago)
    stage_dates = [opened_on + timedelta(days=STAGE_OFFSETS[i]) if i < stages else None for i in range(3)]
    closed = bool(outcome) and days_ago > 45
    case = Case.objects.create(
        subject_kind=SubjectKind.STAFF if index % 6 == 5 else SubjectKind.STUDENT,
        subject_given_name=given,
        subject_family_name=family,
        subject_number=f"{'S' if index % 6 != 5 else 'E'}{240100 + index * 37}",
        summary="Concern about possible radicalisation; support offered and reviewed.",
        opened_on=opened_on,
        opened_by=cast.officer,
        prevent_lead_involved_on=stage_dates[0],
        external_advice_sought_on=stage_dates[1],
        formal_referral_made_on=stage_dates[2],
        outcome=outcome,
        outcome_recorded_on=opened_on + timedelta(days=20) if outcome else None,
        prevent_referral_on=stage_dates[2] if outcome == Outcome.PREVENT_REFERRAL else None,
        prevent_referral_reference=f"PRV-DEMO-{1000 + index}" if outcome == Outcome.PREVENT_REFERRAL else "",
        ideology_category=IDEOLOGIES[index % len(IDEOLOGIES)] if stages or outcome else "",
        status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
        closed_on=opened_on + timedelta(days=40) if closed else None,
        closed_by=cast.lead if closed else None,
    )
    case.team.add(cast.officer)
    raiser = cast.raisers[index % len(cast.raisers)]
    Concern.objects.create(
        raised_by=raiser,
        raised_at=_at(opened_on - timedelta(days=1)),
        observed_on=opened_on - timedelta(days=2),
        subject_kind=case.subject_kind,
        subject_given_name=given,
        subject_family_name=family,
        subject_number=case.subject_number,
        what_happened=WHAT_HAPPENED[index % len(WHAT_HAPPENED)],
        immediate_risk=index % 9 == 4,
        immediate_risk_details="Talked about harming others at a named event." if index % 9 == 4 else "",
        status=ConcernStatus.CLOSED if closed else ConcernStatus.BEING_LOOKED_AT,
        triage_outcome=TriageOutcome.CASE_OPENED if index % 4 else TriageOutcome.MERGED,
        triaged_by=cast.officer,
        triaged_at=_at(opened_on),
        case=case,
    )
    for step, (kind, text) in enumerate(ENTRIES[: 2 + index % 3]):
        on = min(opened_on + timedelta(days=2 + step * 5), today())
        CaseEntry.objects.create(
            case=case, kind=kind, occurred_on=on, text=text, recorded_by=cast.officer, recorded_at=_at(on, 15)
        )
    CaseOpening.objects.create(
        case=case,
        opened_by=cast.lead,
        opened_at=_at(opened_on, 16),
        reason="Reviewing the case before triage sign-off.",
    )
    return case


def _loose_concerns(cast: Cast, offset: int) -> None:
    """Concerns closed at triage, and some still waiting for it."""
    states = [
        (TriageOutcome.NO_FURTHER_ACTION, 180), (TriageOutcome.ADVICE_GIVEN, 120),
        (TriageOutcome.NO_FURTHER_ACTION, 55), (TriageOutcome.ADVICE_GIVEN, 20), ("", 3), ("", 1),
    ]  # fmt: skip
    for index, (outcome, days_ago) in enumerate(states):
        given, family = NAMES[(index * 7 + 3 + offset * 11) % len(NAMES)]
        raised = today() - timedelta(days=days_ago)
        Concern.objects.create(
            raised_by=cast.raisers[index % len(cast.raisers)],
            raised_at=_at(raised),
            observed_on=raised - timedelta(days=1),
            subject_given_name=given,
            subject_family_name=family,
            what_happened=WHAT_HAPPENED[(index + 3) % len(WHAT_HAPPENED)],
            immediate_risk=index == 5,
            immediate_risk_details="Said they would 'do something' at tomorrow's rally." if index == 5 else "",
            status=ConcernStatus.CLOSED if outcome else ConcernStatus.RECEIVED,
            triage_outcome=outcome,
            triaged_by=cast.officer if outcome else None,
            triaged_at=_at(raised, 14) if outcome else None,
            triage_note="Talked it through with the member of staff; signposted wellbeing support."
            if outcome == TriageOutcome.ADVICE_GIVEN
            else "",
        )


def _meetings(cast: Cast, cases: list[Case]) -> None:
    for number, days_ago in enumerate((160, 90, 28)):
        held_on = today() - timedelta(days=days_ago)
        meeting = Meeting.objects.create(
            held_on=held_on, title="Students of concern meeting", created_by=cast.officer, created_at=_at(held_on, 9)
        )
        on_agenda = [c for c in cases if c.opened_on <= held_on and (c.closed_on is None or c.closed_on >= held_on)]
        for position, case in enumerate(on_agenda[:4]):
            AgendaItem.objects.create(meeting=meeting, case=case, position=position, discussion="Progress reviewed.")
            CaseAction.objects.create(
                case=case,
                description="Check in with the student and their tutor" if position % 2 else "Review support plan",
                owner=cast.officer,
                due_on=held_on + timedelta(days=14),
                done=number < 2,
                done_on=held_on + timedelta(days=10) if number < 2 else None,
                meeting=meeting,
                created_by=cast.officer,
            )
