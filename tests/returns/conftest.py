"""A year of records for the annual Prevent return, and the return counted independently from them.

`YEAR` is the last complete academic year (1 August – 31 July). The university (`org_a`) gets
speaker requests with every outcome and rejection category, welfare cases at every Prevent stage
and with both referral outcomes; its franchise partner (`partner`) files termly reports for the
autumn and spring terms under a franchise agreement (the summer report is missing on purpose).
`expected_own` and `expected_partner` count the seeds with plain Python, not the app's code.
Every name is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import LONDON, today
from partners import services as partner_services
from partners.periods import term
from returns import services
from returns.models import AnnualReturn
from returns.years import last_complete_year
from speakers.models import Decision, EventRequest, RequestMitigation
from tenants.models import Organisation, Role, User
from tests.agreements.conftest import Drafting
from tests.partners.conftest import seed_case, seed_concern

YEAR = last_complete_year(today())
MONTHS = [date(YEAR.year + (m < 8), m, 1) for m in (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7)]

# (outcome, rejection category, mitigation basis) for each of the university's decisions in the year.
SPEAKER_SEEDS = [
    ("approved", "", ""), ("approved", "", ""), ("approved", "", ""),
    ("approved_with_mitigations", "", "prevent"), ("approved_with_mitigations", "", "prevent"),
    ("approved_with_mitigations", "", "other"),
    ("rejected", "health_and_safety", ""), ("rejected", "procedural", ""), ("rejected", "procedural", ""),
    ("rejected", "prevent", ""), ("rejected", "other", ""),
    ("withdrawn", "", ""), ("withdrawn", "", ""), ("speaker_not_invited", "", ""),
    ("approved", "", ""),
]  # fmt: skip
# (Prevent stages reached, outcome) for the university's cases in the year.
CASE_SEEDS = [
    (1, ""), (1, "internal_support"), (2, "specialist_advice_support"), (3, "prevent_referral"),
    (3, "prevent_referral"), (0, "no_further_action"),
]  # fmt: skip
TITLES = [
    "Faith, science and the city", "Migration stories", "Climate and protest", "Poetry from the Punjab",
    "Women in Welsh politics", "Ubuntu and leadership", "The Ottoman archive", "Polish jazz tonight",
    "Land rights in Aotearoa", "Debating drug policy", "Sikh heritage walk", "Caribbean literature",
    "Security and liberty", "Deaf culture panel", "Urban Islam in Britain",
]  # fmt: skip


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def decision(organiser: User, when: datetime, outcome: str, n: int, category: str = "", basis: str = "") -> Decision:
    request = EventRequest.objects.create(
        title=TITLES[n % len(TITLES)], organiser=organiser,
        status="withdrawn" if outcome in ("withdrawn", "speaker_not_invited") else "decided",
        submitted_at=when - timedelta(days=2), starts_at=when + timedelta(days=20),
    )  # fmt: skip
    if basis:
        RequestMitigation.objects.create(request=request, label="Independent chair", basis=basis, timing="before",
                                         imposed=True)  # fmt: skip
    return Decision.objects.create(request=request, outcome=outcome, decided_by=organiser, decided_at=when,
                                   reasons="Lawful and proportionate.", rejection_category=category)  # fmt: skip


@dataclass
class Seeded:
    university: Organisation
    partner: Organisation
    drafting: Drafting
    lead: User  # the university's Prevent lead
    admin: User  # the university's organisation admin: prepares, may not sign off
    speaker_ids: dict[str, list[int]] = field(default_factory=dict)
    case_ids: dict[str, list[int]] = field(default_factory=dict)

    def assemble(self, actor: User | None = None, year: str = YEAR.academic_year) -> AnnualReturn:
        with tenant_context(self.university):
            return services.return_assemble(actor=actor or self.lead, organisation=self.university, year=year)


def seed_university(s: Seeded) -> None:
    """Every month of YEAR has a speaker decision and a concern; one decision either side of the year's
    edges, one just inside (00:30 on 1 August)."""
    with tenant_context(s.university):
        for n, (outcome, category, basis) in enumerate(SPEAKER_SEEDS):
            when = at(MONTHS[n % 12] + timedelta(days=14))
            made = decision(s.lead, when, outcome, n, category, basis)
            s.speaker_ids.setdefault("all", []).append(made.request_id)
        decision(s.lead, at(YEAR.start - timedelta(days=1), 23, 30), "approved", 20)  # 31 July, before the year
        decision(s.lead, at(YEAR.end + timedelta(days=1), 0, 30), "rejected", 21, "other")  # after the year
        early = decision(s.lead, at(YEAR.start, 0, 30), "approved", 22)  # the year's first half hour
        s.speaker_ids["edge"] = [early.request_id]
        for n, month in enumerate(MONTHS):
            seed_concern(month + timedelta(days=9), n)
        for n, (stages, outcome) in enumerate(CASE_SEEDS):
            case = seed_case(MONTHS[(n * 2) % 12] + timedelta(days=5), stages=stages, outcome=outcome, n=n)
            s.case_ids.setdefault("all", []).append(case.pk)
        seed_case(YEAR.start - timedelta(days=3), stages=3, outcome="prevent_referral", n=9)  # before the year


# The partner's termly reports: autumn and spring (summer missing). Per term: (stages, outcome) of cases
# dated in the term, and speaker decisions by outcome; the autumn term also records a training session.
PARTNER_TERMS = {
    "autumn": {"cases": [(1, "prevent_referral")] * 6 + [(3, "")] * 2, "speakers": ["approved"] * 3 + ["rejected"]},
    "spring": {"cases": [(2, "specialist_advice_support")] * 5, "speakers": ["withdrawn"] * 2},
}


def seed_partner_and_file(s: Seeded) -> list[int]:
    """Seed the partner's terms, file (assemble and sign off) each report; the exchange record ids."""
    partner_lead = s.drafting.lead(s.partner)
    sent = []
    for name, spec in PARTNER_TERMS.items():
        period = term(YEAR.year, name)
        day = period.start + timedelta(days=20)
        with tenant_context(s.partner):
            for n, (stages, outcome) in enumerate(spec["cases"]):
                seed_case(day, stages=stages, outcome=outcome, n=n)
            for n, outcome in enumerate(spec["speakers"]):
                decision(partner_lead, at(day), outcome, n + 30, "procedural" if outcome == "rejected" else "")
            if name == "autumn":
                partner_services.training_record(
                    actor=partner_lead, organisation=s.partner, delivered_on=day,
                    topic="Prevent awareness briefing", audience="Tutors", attendees=12,
                )  # fmt: skip
            draft = partner_services.report_assemble(actor=partner_lead, organisation=s.partner, period=period)
            report = partner_services.report_sign_off(actor=partner_lead, organisation=s.partner, report=draft)
        sent.append(report.shared_as[0]["record_id"])
    return sent


def expected_own() -> dict[str, int]:
    """The university's figures counted from the seed lists (the edge decision on 1 August included)."""
    outcomes = [o for o, _c, _b in SPEAKER_SEEDS] + ["approved"]
    made = {
        "speakers.approved": outcomes.count("approved"),
        "speakers.approved_with_conditions": outcomes.count("approved_with_mitigations"),
        "speakers.approved_with_conditions.prevent": sum(1 for o, _c, b in SPEAKER_SEEDS if b == "prevent"),
        "speakers.approved_with_conditions.other": sum(1 for o, _c, b in SPEAKER_SEEDS if b == "other"),
        "speakers.rejected": outcomes.count("rejected"),
        "speakers.withdrawn": outcomes.count("withdrawn"),
        "speakers.not_invited": outcomes.count("speaker_not_invited"),
    }
    for category in ("health_and_safety", "procedural", "prevent", "other"):
        made[f"speakers.rejected.{category}"] = sum(
            1 for o, c, _b in SPEAKER_SEEDS if o == "rejected" and c == category
        )
    for index, stage in enumerate(("prevent_lead_involved", "external_advice_sought", "formal_referral_made")):
        made[f"welfare.{stage}"] = sum(1 for stages, _o in CASE_SEEDS if stages > index)
    made["referrals.prevent"] = sum(1 for _s, o in CASE_SEEDS if o == "prevent_referral")
    made["referrals.specialist"] = sum(1 for _s, o in CASE_SEEDS if o == "specialist_advice_support")
    return made


def _shown(n: int) -> int | str:
    """A single figure about people as the partner's agreement (threshold 5) lets it leave."""
    return "fewer than 5" if 0 < n < 5 else n


def expected_partner() -> dict[str, int | str]:
    """The partner's figures as received, added over the two reports. A figure that was 'fewer than 5'
    in one report makes the sum 'at least' (known counts + 1 for it)."""
    per_term: dict[str, list[int | str]] = {}
    for spec in PARTNER_TERMS.values():
        speakers, cases = spec["speakers"], spec["cases"]
        figures: dict[str, int | str] = {
            "speakers.approved": speakers.count("approved"),
            "speakers.approved_with_conditions": speakers.count("approved_with_mitigations"),
            "speakers.rejected": speakers.count("rejected"),
            "speakers.withdrawn": speakers.count("withdrawn"),
            "speakers.not_invited": speakers.count("speaker_not_invited"),
            "referrals.prevent": sum(1 for _s, o in cases if o == "prevent_referral"),
            "referrals.specialist": sum(1 for _s, o in cases if o == "specialist_advice_support"),
        }
        for index, stage in enumerate(("prevent_lead_involved", "external_advice_sought", "formal_referral_made")):
            figures[f"welfare.{stage}"] = _shown(sum(1 for stages, _o in cases if stages > index))
        for key, value in figures.items():
            per_term.setdefault(key, []).append(value)
    made: dict[str, int | str] = {}
    for key, values in per_term.items():
        if all(isinstance(v, int) for v in values):
            made[key] = sum(values)  # type: ignore[arg-type]
        else:
            made[key] = f"at least {sum(v if isinstance(v, int) else 1 for v in values)}"
    made["training.briefing"] = 12  # the autumn session's attendees (completions count people)
    return made


@pytest.fixture
def seeded(org_a, partner, member) -> Seeded:
    drafting = Drafting(member)
    return Seeded(university=org_a, partner=partner, drafting=drafting, lead=drafting.lead(org_a),
                  admin=member(org_a, Role.ORG_ADMIN))  # fmt: skip
