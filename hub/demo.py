"""The demo network: fictional organisations and people, created idempotently.

Every name here is invented. Names of many backgrounds are spread across every role, so
nothing in the demo suggests that a role, a risk or an outcome follows a name or a faith.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements.demo import demo_agreements
from figures.demo import demo_figures
from library.demo import demo_library
from networks.demo import demo_networks
from notifications.demo import demo_notifications
from partners.demo import demo_partners
from referrals.demo import demo_referrals
from returns.demo import demo_returns
from risks.demo import demo_risks
from sharing.demo import demo_exchange
from speakers.demo import demo_speaker_requests
from tenants import services, two_factor
from tenants.models import LinkKind, Membership, Organisation, OrganisationKind, OrganisationLink, Role, User
from training.demo import demo_training
from welfare.demo import demo_welfare

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (printed for the demo; fictional accounts only)
# Every demo person whose roles need two-factor sign-in gets an authenticator with this published
# key (base32), so anyone can add it to an app; development settings also show the current code
# on the code page (HUB_DEMO_SHOW_TOTP_CODE). Fictional accounts only: never a real deployment's.
DEMO_TOTP_SECRET = "PHUBDEMOPHUBDEMOPHUBDEMOPHUBDEMO"  # noqa: S105


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kind: str
    validated_by: str | None = None


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    roles: dict[str, tuple[str, ...]]  # organisation slug -> roles


ORGANISATIONS = [
    DemoOrganisation("northmoor", "University of Northmoor", OrganisationKind.PROVIDER),
    DemoOrganisation("eastbrook", "Eastbrook University", OrganisationKind.PROVIDER),
    DemoOrganisation(
        "northmoor-college", "Northmoor International College", OrganisationKind.PARTNER, validated_by="northmoor"
    ),
    DemoOrganisation("riverside-silver", "Riverside Silver Group", OrganisationKind.PREVENT_GROUP),
    DemoOrganisation("midshire-network", "Midshire HE Prevent Network", OrganisationKind.NETWORK),
]

LINKS = [
    ("northmoor", LinkKind.MEMBER_OF, "riverside-silver"),
    ("eastbrook", LinkKind.MEMBER_OF, "riverside-silver"),
    ("northmoor-college", LinkKind.MEMBER_OF, "riverside-silver"),
    ("northmoor", LinkKind.MEMBER_OF, "midshire-network"),
    ("eastbrook", LinkKind.MEMBER_OF, "midshire-network"),
    ("midshire-network", LinkKind.CONVENED_BY, "eastbrook"),
    ("riverside-silver", LinkKind.CONVENED_BY, "northmoor"),
]

R = Role
PEOPLE = [
    DemoPerson(
        "amara.okafor@northmoor.example",
        "Amara Okafor",
        {"northmoor": (R.PREVENT_LEAD, R.ORG_ADMIN, R.SIGNATORY), "riverside-silver": (R.PREVENT_LEAD,)},
    ),
    DemoPerson("tomasz.nowak@northmoor.example", "Tomasz Nowak", {"northmoor": (R.REVIEWER,)}),
    DemoPerson("siobhan.kelly@northmoor.example", "Siobhan Kelly", {"northmoor": (R.ORGANISER,)}),
    DemoPerson("yusuf.haddad@northmoor.example", "Yusuf Haddad", {"northmoor": (R.SAFEGUARDING_OFFICER,)}),
    DemoPerson("mei.chen@northmoor.example", "Mei Chen", {"northmoor": (R.AUDITOR, R.DATA_PROTECTION_OFFICER)}),
    DemoPerson("oluwaseun.bakare@northmoor.example", "Oluwaseun Bakare", {"northmoor": (R.SENIOR_DECISION_MAKER,)}),
    DemoPerson(
        "priya.raman@eastbrook.example",
        "Priya Raman",
        {"eastbrook": (R.PREVENT_LEAD, R.ORG_ADMIN, R.SIGNATORY), "midshire-network": (R.PREVENT_LEAD,)},
    ),
    DemoPerson("gareth.hughes@eastbrook.example", "Gareth Hughes", {"eastbrook": (R.REVIEWER, R.ORGANISER)}),
    DemoPerson(
        "fatima.rahman@northmoor-college.example",
        "Fatima Rahman",
        {"northmoor-college": (R.PREVENT_LEAD, R.ORG_ADMIN, R.SAFEGUARDING_OFFICER, R.SIGNATORY)},
    ),
    DemoPerson(
        "kofi.asante@northmoor-college.example", "Kofi Asante", {"northmoor-college": (R.SAFEGUARDING_OFFICER,)}
    ),
    DemoPerson("rhiannon.evans@northmoor-college.example", "Rhiannon Evans", {"northmoor-college": (R.ORGANISER,)}),
    # The college's data protection officer: the second approver of identified transfers (referrals).
    DemoPerson(
        "nadia.haddou@northmoor-college.example", "Nadia Haddou", {"northmoor-college": (R.DATA_PROTECTION_OFFICER,)}
    ),
    DemoPerson(
        "daniel.mensah@riverside-silver.example",
        "Daniel Mensah",
        {"riverside-silver": (R.COORDINATOR, R.ORG_ADMIN, R.SIGNATORY)},
    ),
    DemoPerson(
        "ioana.popescu@midshire-network.example",
        "Ioana Popescu",
        {"midshire-network": (R.COORDINATOR, R.ORG_ADMIN, R.SIGNATORY), "eastbrook": (R.COORDINATOR,)},
    ),
]
OPERATOR = DemoPerson("operator@hub.example", "Sam Adeyemi-Clarke", {})


def _organisation(spec: DemoOrganisation, by_slug: dict[str, Organisation]) -> Organisation:
    existing = Organisation.objects.filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    validated_by = by_slug[spec.validated_by] if spec.validated_by else None
    return services.organisation_create(
        actor=None, name=spec.name, slug=spec.slug, kind=spec.kind, validated_by=validated_by
    )


def _person(spec: DemoPerson, *, is_staff: bool = False) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(spec.email, DEMO_PASSWORD, full_name=spec.full_name, is_staff=is_staff)
    return user


def demo_seed() -> dict[str, Organisation]:
    """Create whatever of the demo network is missing; running it twice changes nothing."""
    by_slug: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        by_slug[spec.slug] = _organisation(spec, by_slug)
    with transaction.atomic():
        for source, kind, target in LINKS:
            if not OrganisationLink.objects.filter(source=by_slug[source], target=by_slug[target], kind=kind).exists():
                services.organisation_link(actor=None, source=by_slug[source], target=by_slug[target], kind=kind)
        _person(OPERATOR, is_staff=True)
        for person in PEOPLE:
            user = _person(person)
            for slug, roles in person.roles.items():
                if not Membership.objects.filter(user=user, organisation=by_slug[slug]).exists():
                    services.membership_grant(actor=None, organisation=by_slug[slug], user=user, roles=roles)
    # Order matters: agreements first, so requests decided in the demo are shared under them.
    demo_agreements(by_slug)
    demo_speaker_requests(by_slug)
    demo_exchange(by_slug)
    demo_welfare(by_slug)
    demo_referrals(by_slug)
    demo_partners(by_slug)
    demo_training(by_slug)
    demo_risks(by_slug)
    demo_networks(by_slug)
    demo_library(by_slug)
    # The return's demo imports Northmoor's earlier speaker decisions (last year's register): figures
    # come after it, so what members send a network counts them, as their own dashboards do.
    demo_returns(by_slug)
    demo_figures(by_slug)
    # Last: what the daily sweeps find in all of the above (reviews, overdue reports, actions due).
    demo_notifications(by_slug)
    demo_authenticators()
    return by_slug


def demo_authenticators() -> None:
    """A confirmed authenticator with the published demo key for each demo person who needs one."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    for spec in [OPERATOR, *PEOPLE]:
        user = User.objects.get(email=spec.email)
        if two_factor.requires_second_factor(user) and not two_factor.has_second_factor(user):
            TOTPDevice.objects.create(user=user, name=two_factor.AUTHENTICATOR_NAME, key=key, confirmed=True)


def demo_needs_code(email: str) -> bool:
    """Whether this demo person's sign-in asks for a code (they have an authenticator)."""
    user = User.objects.filter(email=email).first()
    return user is not None and two_factor.has_second_factor(user)


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, name, where and as what) for the printed list of demo logins."""
    rows = [(OPERATOR.email, OPERATOR.full_name, "platform operator (public site)")]
    names = {spec.slug: spec.name for spec in ORGANISATIONS}
    for person in PEOPLE:
        where = "; ".join(
            f"{names[slug]}: {', '.join(Role(role).label for role in roles)}" for slug, roles in person.roles.items()
        )
        rows.append((person.email, person.full_name, where))
    return rows
