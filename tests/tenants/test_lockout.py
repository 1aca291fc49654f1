"""Sign-in lockout (django-axes): per (email, IP), a clear 429 saying when, an audit event, codes count too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from tenants import lockout
from tenants.models import Role
from tests.conftest import PASSWORD
from tests.signin_helpers import sign_in


def _client(ip: str = "198.51.100.7") -> Client:
    return Client(HTTP_HOST="hub.localhost", REMOTE_ADDR=ip)


def _after_the_cool_off() -> None:
    """Move every counted failure back past the cool-off (15 minutes by default)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


def test_fifty_wrong_passwords_lock_out_even_the_right_one_until_the_cool_off(db, world, org_a, member):
    organiser = member(org_a, Role.ORGANISER)
    client = _client()

    statuses = [
        client.post("/login/", {"username": organiser.email, "password": f"guess-{i}"}).status_code for i in range(50)
    ]
    right = client.post("/login/", {"username": organiser.email, "password": PASSWORD})

    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    text = right.content.decode()
    assert "Too many failed attempts" in text and "try again after" in text and "15 minutes from now" in text
    # one audit event for the lockout, naming the address typed and nothing secret
    events = AuditEvent.objects.filter(action="sign_in.locked_out")
    assert events.count() == 1
    assert events.get().target_id == organiser.email and "guess" not in str(events.get().detail)

    # the same person from another address is not locked out
    assert (
        _client("203.0.113.9").post("/login/", {"username": organiser.email, "password": PASSWORD}).status_code == 302
    )

    _after_the_cool_off()
    assert client.post("/login/", {"username": organiser.email, "password": PASSWORD}).status_code == 302


def test_wrong_second_factor_codes_count_towards_the_lockout(db, world, org_a, member):
    lead = member(org_a, Role.PREVENT_LEAD)
    TOTPDevice.objects.create(user=lead, name="Authenticator app", confirmed=True)
    client = _client()
    client.post("/login/", {"username": lead.email, "password": PASSWORD})

    answers = []
    for _ in range(5):
        TOTPDevice.objects.filter(user=lead).update(throttling_failure_timestamp=None)  # skip django-otp's wait
        answers.append(client.post("/login/code/", {"code": "000000"}).status_code)

    assert answers == [400, 400, 400, 400, 429]
    assert AuditEvent.objects.filter(action="sign_in.locked_out").count() == 1
    assert AuditEvent.objects.filter(action="two_factor.verify_failed").count() == 5
    # while locked out, a fresh sign-in is refused at the password step too
    assert _client().post("/login/", {"username": lead.email, "password": PASSWORD}).status_code == 429


def test_a_full_sign_in_clears_the_count(db, world, org_a, member):
    organiser = member(org_a, Role.ORGANISER)
    client = _client()
    for _ in range(4):
        client.post("/login/", {"username": organiser.email, "password": "wrong-one"})

    assert sign_in(client, organiser.email, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=organiser.email).exists()


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.5"),  # no proxy configured: the header is ignored
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # what the client wrote itself is ignored
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.5"),  # shorter than the proxy chain: not through the proxies
    ],
)
def test_x_forwarded_for_is_read_only_as_far_as_the_operators_proxies(count, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(HUB_TRUSTED_PROXY_COUNT=count):
        assert lockout.client_ip(request) == expected
