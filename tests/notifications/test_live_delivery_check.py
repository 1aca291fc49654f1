"""The consumer's check before each delivery: what it decides, and that it costs one query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hub.consumers import Delivery, delivery_verdict
from tenants.models import Membership
from tenants.scopes import Scope


def _session(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def _check(user, org, key, scope=Scope.WELFARE_TRIAGE):
    with CaptureQueriesContext(connection) as queries:
        verdict = delivery_verdict(user.pk, org.pk, org.schema_name, key, str(scope))
    return verdict, len(queries)


@pytest.fixture
def officer(org_a, member):
    return member(org_a, "safeguarding_officer")


def test_a_holder_with_a_live_session_is_sent_to_with_one_query(org_a, officer):
    key = _session(officer)
    _check(officer, org_a, key)  # warm up (first use opens the connection in this thread)

    verdict, queries = _check(officer, org_a, key)

    assert verdict is Delivery.SEND
    assert queries == 1


@pytest.mark.parametrize("change", ["signed_out", "expired", "deactivated", "removed"])
def test_access_that_ended_closes_the_socket(org_a, officer, change):
    key = _session(officer)
    if change == "signed_out":
        Session.objects.filter(session_key=key).delete()
    elif change == "expired":
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    elif change == "deactivated":
        type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    else:
        Membership.objects.filter(user=officer, organisation=org_a).delete()

    assert _check(officer, org_a, key)[0] is Delivery.CLOSE


def test_a_member_without_the_scope_is_skipped_and_a_missing_or_unknown_scope_reaches_no_one(org_a, member):
    reviewer = member(org_a, "reviewer")
    key = _session(reviewer)

    assert _check(reviewer, org_a, key)[0] is Delivery.SKIP
    assert _check(reviewer, org_a, key, scope="")[0] is Delivery.SKIP
    assert _check(reviewer, org_a, key, scope="nothing:such")[0] is Delivery.SKIP
    assert _check(reviewer, org_a, key, scope=Scope.ORG_READ)[0] is Delivery.SEND


def test_another_organisations_member_is_closed(org_a, org_b, officer):
    key = _session(officer)

    assert _check(officer, org_b, key)[0] is Delivery.CLOSE


def test_many_sockets_checked_together_get_the_verdicts_they_get_alone_in_two_queries(org_a, org_b, member):
    from hub.consumers import delivery_verdicts

    officer, reviewer, leaver, signed_out = (member(org_a, r) for r in ("safeguarding_officer", "reviewer") * 2)
    keys = {person.pk: _session(person) for person in (officer, reviewer, leaver, signed_out)}
    Membership.objects.filter(user=leaver, organisation=org_a).delete()
    Session.objects.filter(session_key=keys[signed_out.pk]).delete()
    checks = [
        (officer.pk, org_a.pk, keys[officer.pk], str(Scope.WELFARE_TRIAGE)),
        (reviewer.pk, org_a.pk, keys[reviewer.pk], str(Scope.ORG_READ)),
        (leaver.pk, org_a.pk, keys[leaver.pk], str(Scope.ORG_READ)),
        (signed_out.pk, org_a.pk, keys[signed_out.pk], str(Scope.WELFARE_TRIAGE)),
        (officer.pk, org_b.pk, keys[officer.pk], str(Scope.ORG_READ)),  # not a member there
        (officer.pk, org_a.pk, None, str(Scope.ORG_READ)),  # no session at all
        (officer.pk, org_a.pk, keys[officer.pk], ""),
    ]
    alone = [delivery_verdict(u, o, "", k, s) for u, o, k, s in checks]

    with CaptureQueriesContext(connection) as queries:
        together = delivery_verdicts(checks)

    assert together == alone
    assert together == [Delivery.SEND, Delivery.SEND] + [Delivery.CLOSE] * 4 + [Delivery.SKIP]
    assert len(queries) == 2
