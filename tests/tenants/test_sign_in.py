"""Signing in once on the public site: clear, specific answers for every way it can fail."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from tests.conftest import PASSWORD
from tests.signin_helpers import sign_in


@pytest.fixture
def public(db, world):
    return Client(HTTP_HOST="hub.localhost")


def test_a_correct_password_signs_in_and_lands_on_the_list_of_organisations(public, org_a, member):
    ada = member(org_a, "organiser")  # a role that needs no second factor

    response = public.post("/login/", {"username": ada.email, "password": PASSWORD}, follow=True)

    assert response.status_code == 200
    assert org_a.name in response.content.decode()


def test_a_correct_password_and_code_sign_a_prevent_lead_in(public, org_a, member):
    ada = member(org_a, "prevent_lead")
    TOTPDevice.objects.create(user=ada, name="Authenticator app", confirmed=True)

    response = sign_in(public, ada.email, PASSWORD)

    assert response.status_code == 302 and response["Location"] == "/"
    assert org_a.name in public.get("/").content.decode()


def test_a_wrong_password_is_refused_with_401_and_a_message(public, org_a, member):
    ada = member(org_a, "prevent_lead")
    events = AuditEvent.objects.count()

    response = public.post("/login/", {"username": ada.email, "password": "not-it"})

    assert response.status_code == 401
    assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in public.session
    assert AuditEvent.objects.count() == events


def test_a_disabled_account_is_told_so_with_403(public, org_a, member):
    ada = member(org_a, "prevent_lead", is_active=False)

    response = public.post("/login/", {"username": ada.email, "password": PASSWORD})

    assert response.status_code == 403
    assert "disabled" in response.content.decode()
    assert "_auth_user_id" not in public.session


def test_disabling_someone_ends_their_existing_session(org_a, member, client_on):
    ada = member(org_a, "prevent_lead")
    client = client_on(org_a, ada)
    assert client.get("/").status_code == 200

    ada.is_active = False
    ada.save()

    assert client.get("/").status_code == 302  # back to sign-in


def test_a_person_with_no_membership_is_told_how_to_get_one(public, make_user):
    loner = make_user()
    public.force_login(loner)

    response = public.get("/")

    assert response.status_code == 200
    assert "not a member of any organisation yet" in response.content.decode()


def test_next_may_point_at_an_organisation_host_but_not_elsewhere(public, org_a, member):
    ada = member(org_a, "organiser")

    inside = public.post(
        "/login/", {"username": ada.email, "password": PASSWORD, "next": "http://alderley.hub.localhost/people/"}
    )
    public.logout()
    outside = public.post("/login/", {"username": ada.email, "password": PASSWORD, "next": "https://evil.example/"})

    assert inside["Location"] == "http://alderley.hub.localhost/people/"
    assert outside["Location"] == "/"


def test_signing_out_ends_the_session_on_every_host(org_a, member, client_on):
    ada = member(org_a, "prevent_lead")
    client = client_on(org_a, ada)

    client.post("/logout/")

    assert client.get("/").status_code == 302


def test_password_change_needs_the_old_password(org_a, member, client_on):
    ada = member(org_a, "prevent_lead")
    client = client_on(None, ada)

    wrong = client.post(
        "/password/",
        {"old_password": "nope", "new_password1": "Brand-new-pass-77", "new_password2": "Brand-new-pass-77"},
    )
    right = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "Brand-new-pass-77", "new_password2": "Brand-new-pass-77"},
    )

    assert wrong.status_code == 200 and "incorrectly" in wrong.content.decode()
    assert right.status_code == 302
    ada.refresh_from_db()
    assert ada.check_password("Brand-new-pass-77")
