"""Organisation admins remove people (never the last admin); operators disable accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.live import person_group
from core.models import AuditEvent
from tenants import services
from tenants.models import ApiToken, Membership, Role


def _sends(callbacks: list) -> list:
    """The messages queued for after the commit (the audit recorder may queue its own bookkeeping)."""
    return [c for c in callbacks if "send_after_commit" in c.__qualname__]


def _membership(user, organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=organisation)


def test_an_admin_removes_a_member_who_loses_the_pages_the_api_and_their_tokens(
    org_a, member, client_on, django_capture_on_commit_callbacks
):
    # given
    admin = member(org_a, "org_admin")
    leaver = member(org_a, "reviewer", full_name="Tomasz Okonkwo-Reyes")
    _, raw = services.api_token_create(actor=leaver, organisation=org_a, name="reporting script")
    admin_client = client_on(org_a, admin)

    # when: the admin follows the Remove link, sees the confirm step, and confirms
    listing = admin_client.get("/people/").content.decode()
    confirm = admin_client.get(f"/people/{_membership(leaver, org_a).pk}/remove/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        done = admin_client.post(f"/people/{_membership(leaver, org_a).pk}/remove/")

    # then
    assert "Remove Tomasz Okonkwo-Reyes from Alderley University" in listing
    assert confirm.status_code == 200
    assert "Remove Tomasz Okonkwo-Reyes from Alderley University?" in confirm.content.decode()
    assert "their API tokens here are revoked" in confirm.content.decode()
    assert done.status_code == 302
    assert not Membership.objects.filter(user=leaver, organisation=org_a).exists()
    assert ApiToken.objects.get(user=leaver).revoked_at is not None
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.detail == {"user_id": leaver.pk, "roles": ["reviewer"]}
    assert event.actor_id == admin.pk
    assert len(_sends(callbacks)) == 1  # the close for the leaver's sockets, sent after commit
    assert client_on(org_a, leaver).get("/").status_code == 404
    api = client_on(org_a).get("/api/v1/organisation/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401


def test_the_last_admin_cannot_be_removed_and_nothing_changes(org_a, member):
    admin = member(org_a, "org_admin")
    events_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.membership_remove(actor=admin, membership=_membership(admin, org_a))

    assert "last organisation admin" in caught.value.message_dict["membership"][0]
    assert _membership(admin, org_a).roles == ["org_admin"]
    assert AuditEvent.objects.count() == events_before


def test_a_member_without_the_admin_right_cannot_remove_anyone_and_nothing_changes(org_a, member, client_on):
    reviewer = member(org_a, "reviewer")
    other = member(org_a, "prevent_lead")

    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=reviewer, membership=_membership(other, org_a))
    page = client_on(org_a, reviewer).post(f"/people/{_membership(other, org_a).pk}/remove/")

    assert page.status_code == 403
    assert Membership.objects.filter(user=other, organisation=org_a).exists()
    assert not AuditEvent.objects.filter(action="membership.remove").exists()


def test_an_admin_of_another_organisation_cannot_remove_a_member_here(org_a, org_b, member, client_on):
    admin_b = member(org_b, "org_admin")
    member_a = member(org_a, "reviewer")

    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=admin_b, membership=_membership(member_a, org_a))
    page = client_on(org_b, admin_b).post(f"/people/{_membership(member_a, org_a).pk}/remove/")

    assert page.status_code == 404  # the membership is not this organisation's
    assert Membership.objects.filter(user=member_a, organisation=org_a).exists()


def test_taking_away_every_role_is_removal_after_a_confirm_step(org_a, member, client_on):
    admin = member(org_a, "org_admin")
    leaver = member(org_a, "auditor")
    membership = _membership(leaver, org_a)

    page = client_on(org_a, admin).post(f"/people/{membership.pk}/roles/", {})
    still_there = Membership.objects.filter(pk=membership.pk).exists()
    services.membership_set_roles(actor=admin, membership=membership, roles=[])

    assert page.status_code == 302 and page["Location"] == f"/people/{membership.pk}/remove/"
    assert still_there  # nothing happens before the person confirms
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="membership.remove", detail__user_id=leaver.pk).exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    admins=st.integers(min_value=1, max_value=3),
    others=st.integers(min_value=0, max_value=2),
    target_is_admin=st.booleans(),
)
def test_removal_never_leaves_an_organisation_without_an_active_admin(org_a, member, admins, others, target_is_admin):
    # Model: removing an admin is refused exactly when no other active admin would remain.
    from django.db import transaction

    with transaction.atomic():
        sid = transaction.savepoint()
        admin_users = [member(org_a, "org_admin") for _ in range(admins)]
        other_users = [member(org_a, "reviewer") for _ in range(others)]
        target = admin_users[-1] if target_is_admin or not other_users else other_users[-1]
        expected_refusal = target in admin_users and admins == 1
        try:
            services.membership_remove(actor=admin_users[0], membership=_membership(target, org_a))
            refused = False
        except ValidationError:
            refused = True
        remaining_admins = Membership.objects.filter(
            organisation=org_a, roles__contains=[Role.ORG_ADMIN], user__is_active=True
        ).count()
        transaction.savepoint_rollback(sid)

    assert refused == expected_refusal
    assert remaining_admins >= 1


def test_an_operator_disables_an_account_and_its_sockets_are_told_to_close(
    org_a, org_b, member, make_user, client_on, django_capture_on_commit_callbacks
):
    operator = make_user(is_staff=True)
    person = member(org_a, "reviewer")
    services.membership_grant(actor=None, organisation=org_b, user=person, roles=["auditor"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_deactivate(actor=operator, user=person)

    person.refresh_from_db()
    assert person.is_active is False
    assert len(_sends(callbacks)) == 2  # one close per organisation the person belongs to
    assert AuditEvent.objects.filter(action="user.deactivate", target_id=str(person.pk)).exists()
    assert client_on(org_a, person).get("/").status_code == 302  # the session no longer signs anyone in
    assert person_group(org_a.schema_name, person.pk) == f"{org_a.schema_name}.user.{person.pk}"


def test_only_an_operator_can_disable_an_account(org_a, member):
    admin = member(org_a, "org_admin")
    person = member(org_a, "reviewer")

    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=admin, user=person)

    person.refresh_from_db()
    assert person.is_active is True
    assert not AuditEvent.objects.filter(action="user.deactivate").exists()


@pytest.mark.parametrize("signed_in", [True, False])
def test_an_empty_invitation_post_gets_400_with_a_message_not_a_crash(org_a, member, make_user, client_on, signed_in):
    admin = member(org_a, "org_admin")
    _, token = services.invitation_create(
        actor=admin, organisation=org_a, email="someone@test.example", roles=["auditor"]
    )
    person = make_user(email="different@test.example") if signed_in else None
    path = f"/invitations/{token}/"  # an unknown token: tests/tenants/test_invitation_links.py

    response = client_on(None, person).post(path, {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    if signed_in:
        assert "sign in with that account" in page
    else:
        assert "This field is required" in page
    assert not Membership.objects.filter(organisation=org_a, user__email="someone@test.example").exists()
