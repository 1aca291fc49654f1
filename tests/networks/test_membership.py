"""Invitations, joining, leaving and removal: the public `member_of` link and what hangs from it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import AuditEvent
from networks import selectors, services
from tenants.models import LinkKind, NetworkInvitation, OrganisationLink, Role
from tests.html_text import visible_text


def _is_member(organisation, network) -> bool:
    return OrganisationLink.objects.filter(source=organisation, target=network, kind=LinkKind.MEMBER_OF).exists()


def test_a_coordinator_invites_the_college_and_its_admin_accepts_it_joins(network, partner, coordinator, member):
    # given
    invitation = services.invitation_create(actor=coordinator, network=network, invited=partner, message="Join us")
    admin = member(partner, Role.ORG_ADMIN)
    assert not _is_member(partner, network)

    # when
    services.invitation_answer(actor=admin, organisation=partner, invitation=invitation, accept=True)

    # then
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.answered_by == admin
    assert _is_member(partner, network)
    assert partner in selectors.member_organisations(network)
    assert network in selectors.networks_of(partner)
    assert AuditEvent.objects.filter(action="network.invitation_accept", organisation_id=partner.pk).exists()


def test_declining_creates_no_link(network, partner, coordinator, member):
    invitation = services.invitation_create(actor=coordinator, network=network, invited=partner)

    services.invitation_answer(
        actor=member(partner, Role.ORG_ADMIN), organisation=partner, invitation=invitation, accept=False
    )

    assert not _is_member(partner, network)
    invitation.refresh_from_db()
    assert invitation.status == "declined"


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("self", "cannot invite itself"),
        ("member", "is already a member"),
        ("none", "Choose the organisation"),
    ],
)
def test_a_network_cannot_invite_itself_an_existing_member_or_no_one(network, org_a, coordinator, who, message):
    invited = {"self": network, "member": org_a, "none": None}[who]

    with pytest.raises(ValidationError) as raised:
        services.invitation_create(actor=coordinator, network=network, invited=invited)

    assert message in " ".join(raised.value.message_dict["invited"])
    assert not NetworkInvitation.objects.filter(network=network).exists()


def test_a_second_invitation_while_one_waits_is_refused_but_an_expired_one_makes_way(network, partner, coordinator):
    first = services.invitation_create(actor=coordinator, network=network, invited=partner)
    with pytest.raises(ValidationError) as raised:
        services.invitation_create(actor=coordinator, network=network, invited=partner)
    assert "already has an invitation waiting" in str(raised.value.message_dict["invited"])

    NetworkInvitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    second = services.invitation_create(actor=coordinator, network=network, invited=partner)

    first.refresh_from_db()
    assert first.status == "withdrawn" and second.is_open()


def test_a_provider_is_not_a_network_so_it_cannot_invite(org_a, partner, member):
    with pytest.raises(ValidationError) as raised:
        services.invitation_create(actor=member(org_a, Role.COORDINATOR), network=org_a, invited=partner)
    assert "is not a network or group" in str(raised.value.message_dict["network"])


def test_an_expired_invitation_cannot_be_accepted(network, partner, coordinator, member):
    invitation = services.invitation_create(actor=coordinator, network=network, invited=partner, days=1)
    NetworkInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    invitation.refresh_from_db()

    with pytest.raises(ValidationError) as raised:
        services.invitation_answer(
            actor=member(partner, Role.ORG_ADMIN), organisation=partner, invitation=invitation, accept=True
        )

    assert "expired" in str(raised.value.message_dict["invitation"])
    assert not _is_member(partner, network)


def test_an_invitation_is_answered_only_by_the_organisation_invited(network, partner, org_b, coordinator, member):
    invitation = services.invitation_create(actor=coordinator, network=network, invited=partner)

    with pytest.raises(ValidationError):
        services.invitation_answer(
            actor=member(org_b, Role.ORG_ADMIN), organisation=org_b, invitation=invitation, accept=True
        )

    invitation.refresh_from_db()
    assert invitation.status == "pending" and not _is_member(partner, network)


def test_a_member_leaves_and_is_gone_from_the_network_at_once(network, org_a):
    services.membership_end(actor=None, network=network, member=org_a, reason="left")

    assert not _is_member(org_a, network)
    assert org_a not in selectors.member_organisations(network)
    with pytest.raises(ValidationError):
        services.membership_end(actor=None, network=network, member=org_a, reason="left")


# --- Through the pages ----------------------------------------------------------------------------


def test_the_college_admin_sees_the_invitation_on_their_own_host_and_accepts_it(
    network, partner, coordinator, member, client_on
):
    services.invitation_create(actor=coordinator, network=network, invited=partner, message="Welcome aboard")
    admin = member(partner, Role.ORG_ADMIN)
    client = client_on(partner, admin)

    page = visible_text(client.get("/network/memberships/"))
    assert "Northern HE Network" in page and "Welcome aboard" in page

    invitation = NetworkInvitation.objects.get(network=network, invited=partner)
    done = client.post("/network/memberships/", {"invitation": invitation.pk, "answer": "accept"}, follow=True)

    text = visible_text(done)
    assert "Alderley Partner College joined Northern HE Network." in text
    assert "Leave Northern HE Network" in done.content.decode()
    assert _is_member(partner, network)


def test_a_reviewer_of_the_college_sees_the_invitation_but_cannot_answer_it(
    network, partner, coordinator, member, client_on
):
    invitation = services.invitation_create(actor=coordinator, network=network, invited=partner)
    client = client_on(partner, member(partner, Role.REVIEWER))

    assert "Your organisation admin answers invitations." in visible_text(client.get("/network/memberships/"))
    refused = client.post("/network/memberships/", {"invitation": invitation.pk, "answer": "accept"})

    assert refused.status_code == 403 and not _is_member(partner, network)


def test_the_coordinator_invites_through_the_members_page_and_sees_clear_errors(
    network, org_a, partner, coordinator, client_on
):
    client = client_on(network, coordinator)

    again = client.post("/network/members/", {"invited": org_a.pk})
    sent = client.post("/network/members/", {"invited": partner.pk}, follow=True)

    assert again.status_code == 400
    assert "Alderley University is already a member of Northern HE Network." in visible_text(again)
    assert "Invitation sent to Alderley Partner College" in visible_text(sent)


def test_the_invite_list_offers_only_organisations_that_are_not_members_yet(
    network, org_a, org_b, partner, coordinator, client_on
):
    """A new co-ordinator's list of whom to invite left out its members (it offered them, then refused)."""
    page = client_on(network, coordinator).get("/network/members/").content.decode()
    select = page[page.index('name="invited"') : page.index("</select>", page.index('name="invited"'))]
    offered = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)

    assert partner.name in offered
    assert org_a.name not in offered and org_b.name not in offered  # both already members
    assert network.name not in offered


def test_the_coordinator_removes_a_member_and_its_representative_no_longer_speaks_for_it(
    network, org_a, coordinator, representative, client_on
):
    mine = client_on(network, representative)
    assert "For Alderley University" in visible_text(mine.get("/network/mine/"))

    client_on(network, coordinator).post("/network/members/remove/", {"organisation": org_a.pk})

    assert not _is_member(org_a, network)
    after = visible_text(mine.get("/network/mine/"))
    assert "For Alderley University" not in after
    assert "You do not belong to any member organisation" in after
    assert mine.get(f"/network/mine/?for={org_a.pk}").status_code == 404


def test_an_organisation_admin_leaves_from_their_own_host(network, org_a, member, client_on):
    client = client_on(org_a, member(org_a, Role.ORG_ADMIN))

    done = client.post("/network/memberships/", {"network": network.pk, "answer": "leave"}, follow=True)

    assert "Alderley University left Northern HE Network." in visible_text(done)
    assert not _is_member(org_a, network)
