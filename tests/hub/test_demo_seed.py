"""The demo network: fictional, complete, and idempotent."""

from django.core.management import call_command

from hub import demo
from tenants.models import Membership, Organisation, OrganisationKind, OrganisationLink, Role, User


def _sizes():
    return (
        Organisation.objects.count(),
        OrganisationLink.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def test_seeding_twice_creates_everything_once(db, world, capsys):
    call_command("demo_seed")
    first = _sizes()
    call_command("demo_seed")

    assert _sizes() == first
    out = capsys.readouterr().out
    assert "http://northmoor.hub.localhost:8000/" in out
    assert demo.DEMO_PASSWORD in out


def test_the_demo_has_every_kind_the_issue_asks_for_and_a_login_per_role(db, world):
    demo.demo_seed()

    kinds = [o.kind for o in Organisation.objects.filter(slug__in=[s.slug for s in demo.ORGANISATIONS])]
    assert kinds.count(OrganisationKind.PROVIDER) >= 2
    assert {OrganisationKind.PARTNER, OrganisationKind.PREVENT_GROUP, OrganisationKind.NETWORK} <= set(kinds)
    assert OrganisationLink.objects.filter(
        source__slug="northmoor", target__slug="northmoor-college", kind="validates"
    ).exists()
    assert OrganisationLink.objects.filter(source__slug="midshire-network", kind="convened_by").exists()
    held = {
        role
        for m in Membership.objects.filter(organisation__slug__in=[s.slug for s in demo.ORGANISATIONS])
        for role in m.roles
    }
    assert held == set(Role.values)
    assert User.objects.filter(email=demo.OPERATOR.email, is_staff=True).exists()
