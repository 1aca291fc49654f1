"""Organisation admins invite people and set their roles; everyone else cannot."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from tenants import services
from tenants.models import Invitation, Membership, User


def test_an_admin_invites_a_new_person_who_accepts_and_holds_the_roles(org_a, member, client_on):
    # given
    admin = member(org_a, "org_admin")

    # when: the admin invites on the People page, and the invitee follows the link
    response = client_on(org_a, admin).post("/people/", {"email": "Newcomer@Test.Example", "roles": ["reviewer"]})
    invitation = Invitation.objects.get()
    link = next(m.message for m in response.wsgi_request._messages).split("link: ")[1]
    token = link.rstrip("/").rsplit("/", 1)[1]
    accepted = Client(HTTP_HOST="hub.localhost").post(
        f"/invitations/{token}/", {"full_name": "Noor Achterberg", "password": "a-long-enough-pass-9"}
    )

    # then
    assert response.status_code == 302
    assert link.startswith("http://hub.localhost/invitations/")
    assert accepted.status_code == 302
    newcomer = User.objects.get(email="newcomer@test.example")
    assert Membership.objects.get(user=newcomer, organisation=org_a).roles == ["reviewer"]
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditEvent.objects.filter(action="invitation.accept", organisation_id=org_a.pk).exists()


def test_a_person_who_is_not_an_admin_cannot_invite_and_nothing_is_stored(org_a, member, client_on):
    reviewer = member(org_a, "reviewer")

    response = client_on(org_a, reviewer).post("/people/", {"email": "x@test.example", "roles": ["org_admin"]})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_names_the_field_and_the_fix(org_a, member, client_on):
    admin = member(org_a, "org_admin")
    existing = member(org_a, "reviewer")

    response = client_on(org_a, admin).post("/people/", {"email": existing.email, "roles": ["auditor"]})

    assert response.status_code == 400
    assert "already a member" in response.context["invite_form"].errors["email"][0]
    assert not Invitation.objects.exists()


def test_an_expired_invitation_cannot_be_accepted(org_a, member):
    admin = member(org_a, "org_admin")
    invitation, token = services.invitation_create(
        actor=admin, organisation=org_a, email="late@test.example", roles=["reviewer"]
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(token=token, full_name="Late Person", password="a-long-enough-pass-9")

    assert "expired" in caught.value.message_dict["token"][0]
    assert not User.objects.filter(email="late@test.example").exists()


def test_an_invitation_for_someone_else_cannot_be_taken_by_a_signed_in_person(org_a, member, make_user):
    admin = member(org_a, "org_admin")
    _, token = services.invitation_create(
        actor=admin, organisation=org_a, email="meant@test.example", roles=["auditor"]
    )
    other = make_user()

    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=other)

    assert not Membership.objects.filter(user=other, organisation=org_a).exists()


def test_an_existing_account_accepts_by_signing_in_and_joins_a_second_organisation(org_a, org_b, member, client_on):
    admin_b = member(org_b, "org_admin")
    ada = member(org_a, "reviewer")
    _, token = services.invitation_create(actor=admin_b, organisation=org_b, email=ada.email, roles=["auditor"])

    response = client_on(None, ada).post(f"/invitations/{token}/")

    assert response.status_code == 302
    assert set(Membership.objects.filter(user=ada).values_list("organisation__slug", flat=True)) == {
        "alderley",
        "brackenford",
    }


def test_an_admin_changes_roles_but_the_last_admin_cannot_be_removed(org_a, member, client_on):
    admin = member(org_a, "org_admin")
    reviewer = member(org_a, "reviewer")
    client = client_on(org_a, admin)
    reviewer_membership = Membership.objects.get(user=reviewer, organisation=org_a)
    admin_membership = Membership.objects.get(user=admin, organisation=org_a)

    client.post(f"/people/{reviewer_membership.pk}/roles/", {"roles": ["reviewer", "auditor"]})
    client.post(f"/people/{admin_membership.pk}/roles/", {"roles": ["reviewer"]})

    reviewer_membership.refresh_from_db()
    admin_membership.refresh_from_db()
    assert reviewer_membership.roles == ["auditor", "reviewer"]
    assert admin_membership.roles == ["org_admin"]


def test_a_non_admin_cannot_change_roles(org_a, member):
    reviewer = member(org_a, "reviewer")
    membership = Membership.objects.get(user=reviewer, organisation=org_a)

    with pytest.raises(PermissionDenied):
        services.membership_set_roles(actor=reviewer, membership=membership, roles=["org_admin"])

    membership.refresh_from_db()
    assert membership.roles == ["reviewer"]


def test_unknown_roles_are_rejected_with_the_list_of_valid_ones(org_a, member, make_user):
    with pytest.raises(ValidationError) as caught:
        services.membership_grant(actor=None, organisation=org_a, user=make_user(), roles=["wizard"])

    assert "wizard" in caught.value.message_dict["roles"][0]
    assert "prevent_lead" in caught.value.message_dict["roles"][0]
