"""Two-factor sign-in: who must pass it, enrolling, the code step, recovery codes, removal, the API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from speakers.models import ProcedureConfig
from tenants import two_factor
from tenants.models import Role
from tenants.scopes import SCOPE_ROLES, SECOND_FACTOR_SCOPES, Scope
from tests.conftest import PASSWORD
from tests.signin_helpers import code_from_secret, sign_in, totp_code

NEEDS = {
    Role.PREVENT_LEAD,
    Role.SAFEGUARDING_OFFICER,
    Role.SIGNATORY,
    Role.DATA_PROTECTION_OFFICER,
    Role.ORG_ADMIN,
    Role.REVIEWER,  # by the default procedure (speakers:review)
    Role.SENIOR_DECISION_MAKER,  # by the default procedure (speakers:decide_escalated)
}


@pytest.fixture
def public(db, world):
    return Client(HTTP_HOST="hub.localhost")


def _actions(user) -> list[str]:
    return list(AuditEvent.objects.filter(actor_id=user.pk).order_by("id").values_list("action", flat=True))


def _a_minute_later(user) -> None:
    """As if a minute passed since the last wrong code (django-otp makes the next try wait)."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=1))


def _enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=two_factor.AUTHENTICATOR_NAME, confirmed=True)


@pytest.mark.parametrize("role", Role.values)
def test_exactly_the_roles_that_see_cases_decide_or_sign_need_the_second_factor(org_a, member, role):
    person = member(org_a, role)

    assert two_factor.requires_second_factor(person) is (role in NEEDS)


def test_the_rule_is_scopes_so_a_procedure_that_makes_organisers_reviewers_makes_them_need_it(org_a, member):
    organiser = member(org_a, Role.ORGANISER)
    assert not two_factor.requires_second_factor(organiser)
    assert not SCOPE_ROLES[Scope.SPEAKERS_REVIEW] and Scope.SPEAKERS_REVIEW in SECOND_FACTOR_SCOPES

    with tenant_context(org_a):
        ProcedureConfig.objects.update_or_create(
            singleton=True, defaults={"reviewing_roles": [Role.REVIEWER, Role.PREVENT_LEAD, Role.ORGANISER]}
        )

    assert two_factor.requires_second_factor(organiser)


def test_platform_operators_always_need_it(make_user):
    assert two_factor.requires_second_factor(make_user(is_staff=True))


def test_a_prevent_lead_with_only_a_password_is_sent_to_enrol_then_signs_in_with_a_code(public, org_a, member):
    ada = member(org_a, Role.PREVENT_LEAD)
    org_page = Client(HTTP_HOST="alderley.hub.localhost")

    # when: the password is right and she has no authenticator yet
    response = public.post("/login/", {"username": ada.email, "password": PASSWORD})

    # then: she is sent to set one up, and no page of her organisation opens meanwhile
    assert response.status_code == 302 and response["Location"].startswith("/account/two-factor/setup/")
    org_page.cookies = public.cookies
    blocked = org_page.get("/people/")
    assert blocked.status_code == 302 and "/account/two-factor/setup/" in blocked["Location"]
    assert org_page.get("/api/v1/organisation/members/").status_code in {403, 404}

    # when: she scans the QR code (inline SVG, no script) and confirms with a code
    setup = public.get("/account/two-factor/setup/")
    html = setup.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1]
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    right = code_from_secret(secret)
    wrong = public.post("/account/two-factor/setup/", {"code": "000000" if right != "000000" else "111111"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    # no recovery codes exist yet, so neither the hint nor the error offers them
    assert "recovery codes" not in html.split("<form", 1)[1] and "recovery codes" not in wrong.content.decode()
    _a_minute_later(ada)
    done = public.post("/account/two-factor/setup/", {"code": right})

    # then: 10 recovery codes are shown once, stored only as digests, and her pages open
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>", done.content.decode())
    assert len(set(codes)) == 10
    stored = set(StaticToken.objects.filter(device__user=ada).values_list("token", flat=True))
    assert stored == {two_factor.recovery_digest(c) for c in codes} and not stored & set(codes)
    assert public.get("/").status_code == 200
    assert _actions(ada) == ["two_factor.enrol"]  # a wrong code while setting up is not a sign-in failure
    assert not any(c in str(AuditEvent.objects.filter(actor_id=ada.pk).values_list("detail")) for c in codes)

    # and: next time, the password leads to the code step, and a code from the app signs her in
    public.logout()
    fresh = Client(HTTP_HOST="hub.localhost")
    assert sign_in(fresh, ada.email, PASSWORD)["Location"] == "/"
    org_page.cookies = fresh.cookies
    assert org_page.get("/people/").status_code == 200


def test_the_code_step_refuses_a_wrong_code_audits_it_and_throttles(public, org_a, member):
    ada = member(org_a, Role.PREVENT_LEAD)
    _enrol(ada)
    public.post("/login/", {"username": ada.email, "password": PASSWORD})

    first = public.post("/login/code/", {"code": "12345"})
    second = public.post("/login/code/", {"code": "654321"})

    assert first.status_code == 400 and "not right" in first.content.decode()
    assert second.status_code == 400 and "Too many wrong codes: wait" in second.content.decode()
    assert _actions(ada) == ["two_factor.verify_failed"]  # the throttled try never reached the device
    assert public.get("/").status_code == 302  # still not through


def test_a_recovery_code_works_once_and_regenerating_kills_the_old_ones(public, org_a, member, client_on):
    ada = member(org_a, Role.SIGNATORY)
    _enrol(ada)
    old = two_factor.recovery_codes_generate(actor=ada)

    public.post("/login/", {"username": ada.email, "password": PASSWORD})
    used = public.post("/login/code/", {"code": old[0].upper().replace("-", " ")})
    assert used.status_code == 302
    assert two_factor.recovery_codes_left(ada) == 9
    event = AuditEvent.objects.filter(action="two_factor.recovery_code_used").get()
    assert event.detail == {"codes_left": 9}

    verified = client_on(None, ada)
    new = verified.post("/account/two-factor/recovery-codes/")
    fresh = re.findall(r"<code>([a-z2-7-]{14})</code>", new.content.decode())
    assert len(fresh) == 10 and not set(fresh) & set(old)

    again = Client(HTTP_HOST="hub.localhost")
    again.post("/login/", {"username": ada.email, "password": PASSWORD})
    assert again.post("/login/code/", {"code": old[1]}).status_code == 400
    assert "two_factor.recovery_codes_generate" in _actions(ada)


def test_removing_the_last_device_needs_a_fresh_code_and_is_audited(org_a, member, client_on):
    ada = member(org_a, Role.ORGANISER)  # enrolled voluntarily
    device = _enrol(ada)
    two_factor.recovery_codes_generate(actor=ada)
    client = client_on(None, ada)

    refused = client.post("/account/two-factor/remove/", {"code": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=ada).exists()

    _a_minute_later(ada)
    removed = client.post("/account/two-factor/remove/", {"code": totp_code(device)})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=ada).exists() and two_factor.recovery_codes_left(ada) == 0
    assert _actions(ada)[-1] == "two_factor.remove"
    # an organiser needs no second factor: her pages still open
    assert client.get("/").status_code == 200


def test_a_voluntary_enrolee_is_asked_for_the_code_at_sign_in(public, org_a, member):
    organiser = member(org_a, Role.ORGANISER)
    public.post("/login/", {"username": organiser.email, "password": PASSWORD})
    assert public.get("/").status_code == 200  # needs none, has none
    _enrol(organiser)

    response = Client(HTTP_HOST="hub.localhost").post("/login/", {"username": organiser.email, "password": PASSWORD})

    assert response["Location"].startswith("/login/code/")


def test_the_api_answers_403_in_its_error_shape_to_an_unverified_session(org_a, member, client_on):
    lead = member(org_a, Role.PREVENT_LEAD)
    _enrol(lead)
    unverified = client_on(org_a, lead, verified=False)
    verified = client_on(org_a, lead)

    response = unverified.get("/api/v1/organisation/members/")

    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"} and "second factor" in response.json()["detail"]
    assert verified.get("/api/v1/organisation/members/").status_code == 200


def test_a_token_is_made_only_from_a_verified_session_and_then_works_alone(org_a, member, client_on):
    organiser = member(org_a, Role.ORGANISER)
    refused = client_on(org_a, organiser, verified=False).post("/api-tokens/", {"name": "script"})
    assert refused.status_code == 400 and "two-factor" in refused.content.decode()

    made = client_on(org_a, organiser).post("/api-tokens/", {"name": "script"})
    token = re.search(r"phub_[A-Za-z0-9_\-]+", made.content.decode()).group(0)

    api = Client(HTTP_HOST="alderley.hub.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/organisation/members/").status_code == 200


def test_the_demo_code_is_shown_only_with_the_development_flag(public, org_a, member):
    ada = member(org_a, Role.PREVENT_LEAD)
    device = _enrol(ada)
    public.post("/login/", {"username": ada.email, "password": PASSWORD})

    assert "Demo only" not in public.get("/login/code/").content.decode()
    with override_settings(HUB_DEMO_SHOW_TOTP_CODE=True, DEBUG=True):
        shown = public.get("/login/code/").content.decode()
    assert f"Demo only: the current code is <strong>{two_factor.current_code(device)}</strong>" in shown


@pytest.mark.parametrize(("debug", "module", "errors"), [(True, "hub.settings.dev", 0), (False, "hub.settings.dev", 1),
                                                         (True, "hub.settings.production", 1)])  # fmt: skip
def test_a_system_check_refuses_the_demo_code_without_debug_or_in_production(debug, module, errors):
    with override_settings(HUB_DEMO_SHOW_TOTP_CODE=True, DEBUG=debug, SETTINGS_MODULE=module):
        found = [e for e in run_checks() if e.id == "tenants.E010"]
    assert len(found) == errors


def test_an_operator_resets_a_person_who_lost_phone_and_codes_and_it_is_audited(org_a, member):
    from django.core.management import call_command

    lead = member(org_a, Role.PREVENT_LEAD)
    _enrol(lead)
    two_factor.recovery_codes_generate(actor=lead)

    call_command("two_factor_reset", lead.email.upper())

    assert not two_factor.has_second_factor(lead) and two_factor.recovery_codes_left(lead) == 0
    event = AuditEvent.objects.filter(action="two_factor.remove").get()
    assert event.detail == {"devices": 2, "by": "operator"} and event.target_id == str(lead.pk)
