"""Review 2 (finding 7): a dead invitation link (used, expired, bogus, `%00`) showed the full
"choose your name and password" form with 200. Now one page, 404, no form, saying what to do;
the same for every kind of dead link, so a guesser cannot tell a used link from a made-up one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tenants import services
from tenants.models import Invitation, Membership

DEAD = "This invitation link is no longer valid"


@pytest.fixture
def links(org_a, member):
    admin = member(org_a, "org_admin")
    _, used = services.invitation_create(actor=admin, organisation=org_a, email="used@test.example", roles=["auditor"])
    services.invitation_accept(token=used, full_name="Tomasz Adeyemi", password="a-long-enough-pass-9")
    old, expired = services.invitation_create(
        actor=admin, organisation=org_a, email="late@test.example", roles=["auditor"]
    )
    Invitation.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    _, live = services.invitation_create(actor=admin, organisation=org_a, email="live@test.example", roles=["auditor"])
    return {"used": used, "expired": expired, "bogus": "no-such-token", "nul": "%00", "live": live}


@pytest.mark.parametrize("kind", ["used", "expired", "bogus", "nul"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_dead_invitation_link_shows_one_404_page_without_a_form(kind, method, signed_in, links, make_user, client_on):
    person = make_user(email="reader@test.example") if signed_in else None
    members = Membership.objects.count()
    response = getattr(client_on(None, person), method)(
        f"/invitations/{links[kind]}/", {"full_name": "Amara Lindqvist", "password": "a-long-enough-pass-9"}
    )
    page = response.content.decode()
    assert response.status_code == 404, (kind, response.status_code)
    assert DEAD in page
    assert "Ask your organisation admin for a new one" in page
    assert 'name="password"' not in page
    assert Membership.objects.count() == members


def test_every_dead_link_gets_the_same_page(links, client_on):
    client = client_on(None, None)
    bodies = {kind: client.get(f"/invitations/{links[kind]}/").content for kind in ("used", "expired", "bogus", "nul")}
    assert len(set(bodies.values())) == 1, "a used link can be told from a bogus one"


def test_a_live_invitation_link_still_shows_the_form(links, client_on):
    response = client_on(None, None).get(f"/invitations/{links['live']}/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
