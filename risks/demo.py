"""Demo content for the risk register and action plan: fictional, created idempotently.

* Northmoor keeps a Prevent risk register across the themes of the sector's case studies, with
  owners, controls, one review due, and an action plan with two overdue actions.
* The college (a small provider, like the seed's KLC) keeps a short one.
* An agreement from the `network_risk_summary` template (Riverside Silver Group ← Northmoor and
  the college; the demo's other agreements do not name a network as a party) lets both send a
  summary to the Silver group, and both have sent one: the group's "Members' summaries" page
  shows them. This agreement is the only one this module adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django_tenants.utils import tenant_context

from agreements import services as agreement_services
from agreements.isa_templates import TEMPLATES
from agreements.models import Agreement, RecordKind
from core.dates import today
from risks import services
from risks.models import ActionStatus, Category, Risk, RiskStatus
from sharing.records import records_shared
from tenants.models import Organisation, User


@dataclass(frozen=True)
class DemoRisk:
    title: str
    category: str
    likelihood: int
    impact: int
    owner: str
    review_in_days: int
    existing: str
    planned: str = ""
    status: str = RiskStatus.OPEN
    description: str = ""


@dataclass(frozen=True)
class DemoAction:
    title: str
    owner: str
    due_in_days: int
    risk: str | None = None  # a DemoRisk title, or standalone
    status: str = ActionStatus.NOT_STARTED


NORTHMOOR_RISKS = [
    DemoRisk(
        "A speaker event goes ahead without the procedure being followed",
        Category.SPEAKERS_EVENTS, 2, 4, "siobhan.kelly@northmoor.example", 90,
        "Speaker request procedure on the hub; reviewers trained; room bookings need an approved request.",
        "Audit a random sample of requests against the procedure each term and report to the Prevent group.",
        description="Room bookings made directly with a department can bypass the request procedure.",
    ),
    DemoRisk(
        "Lawful speech is curtailed by over-cautious event decisions",
        Category.SPEAKERS_EVENTS, 2, 3, "oluwaseun.bakare@northmoor.example", 120,
        "Each decision records the freedom of speech considerations; conditions (an independent chair, "
        "a right of reply) are tried before refusal; refusals go to the senior decision-maker.",
    ),
    DemoRisk(
        "A welfare concern about a student is not passed to the Prevent lead",
        Category.WELFARE, 3, 4, "yusuf.haddad@northmoor.example", 60,
        "Students giving cause for concern framework; safeguarding team triages every concern raised.",
        "Briefings for heads of department on when and how to raise a concern.",
    ),
    DemoRisk(
        "Staff in key roles are not trained within a year of starting",
        Category.TRAINING, 3, 3, "amara.okafor@northmoor.example", -5,
        "Awareness module for all staff at induction; enhanced training for key roles.",
        "Enrol each new key-role member of staff on enhanced training within their first term.",
    ),
    DemoRisk(
        "Campus IT is used to reach terrorist material and nobody notices",
        Category.IT, 2, 4, "tomasz.nowak@northmoor.example", 150,
        "Computing regulations cover the Counter-Terrorism and Security Act 2015; access logs are kept for "
        "investigating suspected misuse. No blanket filtering, to protect academic freedom.",
        "Review the regulations with the academic freedom group.",
    ),
    DemoRisk(
        "The partner college's Prevent arrangements fall short of ours",
        Category.PARTNERS, 2, 3, "amara.okafor@northmoor.example", 100,
        "Information-sharing agreement; termly partner reports; the college sits on our Prevent group.",
    ),
    DemoRisk(
        "The Prevent group loses sight of the action plan between meetings",
        Category.LEADERSHIP, 1, 3, "oluwaseun.bakare@northmoor.example", 180,
        "The group meets three times a year and reviews this register; minutes go to the senior team.",
        status=RiskStatus.ACCEPTED,
    ),
    DemoRisk(
        "Students are not consulted on Prevent arrangements",
        Category.ENGAGEMENT, 3, 2, "amara.okafor@northmoor.example", 200,
        "The students' union sits on the Prevent group and was consulted on the action plan.",
        status=RiskStatus.CLOSED,
    ),
]  # fmt: skip

NORTHMOOR_ACTIONS = [
    DemoAction("Audit a sample of this term's speaker requests against the procedure",
               "mei.chen@northmoor.example", 30, NORTHMOOR_RISKS[0].title),
    DemoAction("Brief heads of department on passing welfare concerns to the Prevent lead",
               "yusuf.haddad@northmoor.example", -10, NORTHMOOR_RISKS[2].title),
    DemoAction("Enrol this year's new key-role staff on enhanced Prevent training",
               "amara.okafor@northmoor.example", -3, NORTHMOOR_RISKS[3].title, ActionStatus.IN_PROGRESS),
    DemoAction("Review the computing regulations with the academic freedom group",
               "tomasz.nowak@northmoor.example", 60, NORTHMOOR_RISKS[4].title),
    DemoAction("Consult the students' union on the Prevent action plan",
               "amara.okafor@northmoor.example", -20, None, ActionStatus.DONE),
    DemoAction("Present the register to the Prevent group's spring meeting",
               "oluwaseun.bakare@northmoor.example", 14),
]  # fmt: skip

COLLEGE_RISKS = [
    DemoRisk(
        "Prevent policies embedded in other policies are missed by new staff",
        Category.LEADERSHIP, 3, 2, "fatima.rahman@northmoor-college.example", 45,
        "The Prevent core team oversees the action plan and updates the senior management team.",
    ),
    DemoRisk(
        "A change in a student's behaviour is noticed but not raised",
        Category.WELFARE, 2, 4, "kofi.asante@northmoor-college.example", 75,
        "Small tutor groups (one tutor to ten students); welfare team on site daily.",
    ),
    DemoRisk(
        "Guest lecturers are invited without a speaker request",
        Category.SPEAKERS_EVENTS, 3, 3, "rhiannon.evans@northmoor-college.example", 30,
        "Guest lecturers are booked through the speaker request procedure of the university.",
        "Remind course leaders each term.",
    ),
]  # fmt: skip

COLLEGE_ACTIONS = [
    DemoAction("Remind course leaders to request guest lecturers through the hub",
               "rhiannon.evans@northmoor-college.example", 21, COLLEGE_RISKS[2].title),
    DemoAction("Add Prevent to the staff induction checklist",
               "fatima.rahman@northmoor-college.example", -7, COLLEGE_RISKS[0].title),
]  # fmt: skip

AGREEMENT_PARTIES = ["riverside-silver", "northmoor", "northmoor-college"]
AGREEMENT_SIGNERS = [
    "daniel.mensah@riverside-silver.example",
    "amara.okafor@northmoor.example",
    "fatima.rahman@northmoor-college.example",
]
SHARERS = {
    "northmoor": "amara.okafor@northmoor.example",
    "northmoor-college": "fatima.rahman@northmoor-college.example",
}


def _register(organisation: Organisation, lead: User, risks: list[DemoRisk], actions: list[DemoAction]) -> None:
    """The organisation's register, unless it already has one."""
    if Risk.objects.exists():
        return
    on = today()
    people = {u.email: u for u in User.objects.filter(memberships__organisation=organisation)}
    made: dict[str, Risk] = {}
    for spec in risks:
        # Created as reviewed today, then moved to its real next review (a past one shows as due).
        data = services.RiskInput(
            title=spec.title, category=spec.category, likelihood=spec.likelihood, impact=spec.impact,
            owner=people[spec.owner], review_on=on + timedelta(days=max(spec.review_in_days, 0)),
            description=spec.description, existing_controls=spec.existing, planned_controls=spec.planned,
        )  # fmt: skip
        risk = services.risk_create(actor=lead, organisation=organisation, data=data, reason="Demo register.")
        if spec.review_in_days < 0 or spec.status != RiskStatus.OPEN:
            data.review_on = on + timedelta(days=spec.review_in_days)
            data.status = spec.status
            services.risk_update(actor=lead, organisation=organisation, risk=risk, data=data,
                                 reason="Reviewed at the Prevent group.")  # fmt: skip
        made[spec.title] = risk
    for item in actions:
        services.action_create(
            actor=lead,
            organisation=organisation,
            data=services.ActionInput(
                title=item.title,
                owner=people[item.owner],
                due_on=on + timedelta(days=item.due_in_days),
                risk=made[item.risk] if item.risk else None,
                status=item.status,
            ),  # fmt: skip
            recording_past=item.due_in_days < 0,
        )


def _agreement(by_slug: dict[str, Organisation]) -> None:
    group = by_slug["riverside-silver"]
    if Agreement.objects.filter(template="network_risk_summary", drafted_by_organisation=group).exists():
        return
    drafter = User.objects.get(email=AGREEMENT_SIGNERS[0])
    agreement = agreement_services.agreement_create(
        actor=drafter,
        organisation=group,
        parties=AGREEMENT_PARTIES,
        terms=TEMPLATES["network_risk_summary"].terms(AGREEMENT_PARTIES),
        template="network_risk_summary",
    )
    agreement_services.agreement_propose(actor=drafter, organisation=group, agreement=agreement)
    for slug, email in zip(AGREEMENT_PARTIES, AGREEMENT_SIGNERS, strict=True):
        agreement_services.agreement_sign(
            actor=User.objects.get(email=email), organisation=by_slug[slug], agreement=agreement, version_number=1
        )


def demo_risks(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo register, action plans, agreement and shared summaries is missing."""
    for slug, risks, actions in (
        ("northmoor", NORTHMOOR_RISKS, NORTHMOOR_ACTIONS),
        ("northmoor-college", COLLEGE_RISKS, COLLEGE_ACTIONS),
    ):
        with tenant_context(by_slug[slug]):
            _register(by_slug[slug], User.objects.get(email=SHARERS[slug]), risks, actions)
    _agreement(by_slug)
    group = by_slug["riverside-silver"]
    for slug, email in SHARERS.items():
        source = by_slug[slug]
        if records_shared(source=source, kind=RecordKind.RISK_SUMMARY).filter(recipient=group).exists():
            continue
        with tenant_context(source):
            services.summary_share(actor=User.objects.get(email=email), organisation=source, network=group)
