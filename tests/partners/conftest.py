"""Helpers for partner-report tests: the franchise agreement, the people, and seeded working records.

`partner` (alderley-college) is validated by `org_a` (Alderley University). Every name here is
fictional, and names of many backgrounds appear across every outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import LONDON, today
from partners import services
from partners.models import PartnerReport
from partners.periods import Period, terms_ended_by
from speakers.models import Decision, EventRequest
from tenants.models import Organisation, Role, User
from tests.agreements.conftest import Drafting
from welfare.models import Case, CaseAction, Concern

LAST_TERM = terms_ended_by(today(), 1)[0]  # the most recent term that has ended


@dataclass
class World:
    university: Organisation
    partner: Organisation
    drafting: Drafting
    lead: User  # the partner's Prevent lead
    officer: User  # the partner's safeguarding officer: assembles and edits, may not sign off
    uni_lead: User  # the university's Prevent lead: oversees, records training, comments
    uni_dpo: User  # the university's DPO: oversees, may not comment

    def franchise(self, **overrides):
        return self.drafting.active([self.university, self.partner], template="franchise", **overrides)

    def assemble(self, period: Period | str = LAST_TERM, actor: User | None = None) -> PartnerReport:
        with tenant_context(self.partner):
            return services.report_assemble(actor=actor or self.officer, organisation=self.partner, period=period)

    def sign_off(self, report: PartnerReport, actor: User | None = None) -> PartnerReport:
        with tenant_context(self.partner):
            return services.report_sign_off(actor=actor or self.lead, organisation=self.partner, report=report)

    def file(self, period: Period | str = LAST_TERM, **narrative: str) -> PartnerReport:
        """Assemble, write the narrative, and sign off: one report sent."""
        draft = self.assemble(period)
        if narrative:
            with tenant_context(self.partner):
                draft = services.report_edit(actor=self.officer, organisation=self.partner, report=draft,
                                             narrative=services.Narrative(**narrative))  # fmt: skip
        return self.sign_off(draft)


@pytest.fixture
def w(org_a, partner, member) -> World:
    drafting = Drafting(member)
    return World(
        university=org_a,
        partner=partner,
        drafting=drafting,
        lead=drafting.lead(partner),
        officer=member(partner, Role.SAFEGUARDING_OFFICER),
        uni_lead=drafting.lead(org_a),
        uni_dpo=member(org_a, Role.DATA_PROTECTION_OFFICER),
    )


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


SUBJECTS = [
    ("Amaka", "Eze"), ("Liam", "O'Brien"), ("Sana", "Qureshi"), ("Kai", "Nakamura"), ("Zofia", "Wiśniewska"),
    ("Dev", "Patel"), ("Rhiannon", "Pryce"), ("Tariq", "Mansour"), ("Ana", "Folau"), ("Jonah", "Goldberg"),
]  # fmt: skip


def seed_case(day: date, *, outcome: str = "", stages: int = 0, closed: date | None = None, n: int = 0) -> Case:
    """A case opened on `day`, having reached `stages` Prevent stages (dated `day`), with an outcome."""
    given, family = SUBJECTS[n % len(SUBJECTS)]
    fields = {"subject_given_name": given, "subject_family_name": family, "opened_on": day}
    for index, name in enumerate(("prevent_lead_involved_on", "external_advice_sought_on", "formal_referral_made_on")):
        if index < stages:
            fields[name] = day
    if outcome:
        fields.update(outcome=outcome, outcome_recorded_on=day)
        if outcome == "prevent_referral":
            fields.update(prevent_referral_on=day, prevent_referral_reference=f"PR-{n:04d}")
    if closed:
        fields.update(status="closed", closed_on=closed)
    return Case.objects.create(**fields)


def seed_concern(day: date, n: int = 0) -> Concern:
    given, family = SUBJECTS[n % len(SUBJECTS)]
    return Concern.objects.create(subject_given_name=given, subject_family_name=family, observed_on=day,
                                  raised_at=at(day), what_happened="Seen in a seminar.")  # fmt: skip


def seed_action(case: Case, due: date, *, done_on: date | None = None) -> CaseAction:
    return CaseAction.objects.create(case=case, description="Follow up with the tutor.", due_on=due,
                                     done=done_on is not None, done_on=done_on,
                                     created_at=at(case.opened_on))  # fmt: skip


def seed_decision(organiser: User, day: date, outcome: str, n: int = 0) -> Decision:
    request = EventRequest.objects.create(
        title=f"Seminar {n}", organiser=organiser, status="decided",
        submitted_at=at(day - timedelta(days=1)), starts_at=at(day + timedelta(days=20)),
    )  # fmt: skip
    return Decision.objects.create(request=request, outcome=outcome, decided_by=organiser, decided_at=at(day),
                                   reasons="Lawful; proportionate.")  # fmt: skip
