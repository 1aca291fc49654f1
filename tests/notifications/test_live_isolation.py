"""Who a live notification reaches: exactly the organisation's people who hold the right, on every socket.

Several people of two organisations, each with two sockets open (two tabs) through the real
ASGI application (session cookie, host, origin) and the in-memory channel layer. A committed
`notify` for organisation A must reach every socket of each A person the model below says
holds the scope, once, with that person's own notification; nothing else may arrive anywhere.
The model is written out by hand here, not read from `tenants.scopes`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from notifications.services import notify, preferences_set
from tenants import services as tenant_services
from tenants.models import Membership, Organisation
from tenants.scopes import Scope
from tests.factories import UserFactory, second_factor_device
from tests.notifications.servers import tenant_rows_removed

TABS = 2  # sockets per person

# The independent model: which roles hold each scope used here (from the description
# of who does what; kept by hand so a change to the rights table shows up as a failure here).
HOLDERS: dict[Scope, set[str]] = {
    Scope.WELFARE_TRIAGE: {"safeguarding_officer", "prevent_lead"},
    Scope.REFERRALS_READ_RECEIVED: {"prevent_lead", "dpo"},
    Scope.PARTNERS_OVERSEE: {"prevent_lead", "dpo", "auditor", "org_admin"},
    Scope.AGREEMENTS_SIGN: {"signatory"},
    Scope.ORG_ADMIN: {"org_admin"},
}

# people × roles → expected, for WELFARE_TRIAGE
PEOPLE = [
    (("safeguarding_officer",), True),
    (("prevent_lead",), True),
    (("reviewer", "safeguarding_officer"), True),
    (("reviewer",), False),
    (("org_admin",), False),
    (("organiser", "auditor"), False),
]


@pytest.fixture
def two_orgs(committing_db, world) -> Iterator[tuple[Organisation, Organisation]]:
    a, b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)
    with tenant_rows_removed(a.schema_name, b.schema_name):
        yield a, b


def _cookie_for(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id  # passed the second factor
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


def _people(org: Organisation, role_sets: list[tuple[str, ...]]) -> list:
    people = []
    for roles in role_sets:
        user = UserFactory()
        tenant_services.membership_grant(actor=None, organisation=org, user=user, roles=list(roles))
        people.append(user)
    return people


async def _open(org: Organisation, user) -> WebsocketCommunicator:
    from hub.asgi import application

    host = f"{org.slug}.{settings.HUB_BASE_DOMAIN}"
    cookie = await sync_to_async(_cookie_for)(user)
    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode()), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/presence/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def _drain(communicator: WebsocketCommunicator, quiet: float = 0.3) -> list[dict]:
    """Everything the socket receives until it has been quiet for `quiet` seconds."""
    got = []
    while not await communicator.receive_nothing(timeout=quiet):
        got.append(await communicator.receive_output(timeout=1))
    return got


def _deliver(org: Organisation, sockets_of: dict[int, list], action) -> tuple[dict[int, list[list[dict]]], object]:
    """Open every person's sockets (`sockets_of`: user id → [org, user]), run `action` (sync), collect."""

    async def scenario():
        opened = {uid: [await _open(o, u) for _ in range(TABS)] for uid, (o, u) in sockets_of.items()}
        result = await sync_to_async(action)()
        received = {}
        for uid, communicators in opened.items():
            received[uid] = list(await asyncio.gather(*(_drain(c) for c in communicators)))
        for communicators in opened.values():
            for c in communicators:
                await c.disconnect()
        return received, result

    return async_to_sync(scenario)()


def _notify_a(org: Organisation, scope: Scope = Scope.WELFARE_TRIAGE) -> list[Notification]:
    return notify(
        Kind.CONCERN,
        organisation=org,
        scope=scope,
        text=f"A new concern was raised at {org.name}",
        url="/welfare/triage/",
    )


def _assert_exactly(received, stored, expected_ids: set[int]) -> None:
    by_recipient = {n.recipient_id: n.pk for n in stored}
    assert set(by_recipient) == expected_ids
    for uid, tabs in received.items():
        for tab in tabs:
            if uid in expected_ids:
                assert len(tab) == 1, (uid, tab)
                assert tab[0]["type"] == "websocket.send"
                assert f'"id": {by_recipient[uid]},' in tab[0]["text"], tab[0]
            else:
                assert tab == [], (uid, tab)


def test_a_notification_for_a_reaches_every_tab_of_as_holders_and_no_one_else(two_orgs):
    a, b = two_orgs
    role_sets = [roles for roles, _ in PEOPLE]
    people_a, people_b = _people(a, role_sets), _people(b, role_sets)
    sockets = {u.pk: (a, u) for u in people_a} | {u.pk: (b, u) for u in people_b}

    received, stored = _deliver(a, sockets, lambda: _transactional(lambda: _notify_a(a)))

    expected = {u.pk for u, (_, holds) in zip(people_a, PEOPLE, strict=True) if holds}
    assert len(expected) == 3
    _assert_exactly(received, stored, expected)
    with schema_context(b.schema_name):
        assert not Notification.objects.exists()


def _transactional(action):
    with transaction.atomic():
        return action()


def test_a_role_removed_before_delivery_means_nothing_arrives(two_orgs):
    a, _ = two_orgs
    admin, before, during, stays = _people(
        a, [("org_admin",), ("safeguarding_officer",), ("safeguarding_officer",), ("prevent_lead",)]
    )
    sockets = {u.pk: (a, u) for u in (before, during, stays)}

    def change_then_notify():
        # `before` loses the role after their sockets opened and before notify;
        # `during` loses it in the same transaction, after notify addressed them.
        tenant_services.membership_set_roles(
            actor=admin, membership=Membership.objects.get(user=before, organisation=a), roles=["reviewer"]
        )
        with transaction.atomic():
            stored = _notify_a(a)
            tenant_services.membership_set_roles(
                actor=admin, membership=Membership.objects.get(user=during, organisation=a), roles=["reviewer"]
            )
        return stored

    received, stored = _deliver(a, sockets, change_then_notify)

    assert {n.recipient_id for n in stored} == {during.pk, stays.pk}  # stored at notify time …
    assert received[during.pk] == [[], []]  # … but checked again at delivery
    assert received[before.pk] == [[], []]
    assert all(len(tab) == 1 for tab in received[stays.pk])


def test_a_rolled_back_transaction_sends_stores_and_emails_nothing(two_orgs):
    a, _ = two_orgs
    (officer,) = _people(a, [("safeguarding_officer",)])
    with schema_context(a.schema_name):
        preferences_set(officer, {Kind.CONCERN: Delivery.EMAIL})
    mail.outbox.clear()

    class Undo(Exception):
        pass

    def notify_then_fail():
        try:
            with transaction.atomic():
                assert len(_notify_a(a)) == 1
                raise Undo
        except Undo:
            return None

    received, _ = _deliver(a, {officer.pk: (a, officer)}, notify_then_fail)

    assert received[officer.pk] == [[], []]
    with schema_context(a.schema_name):
        assert not Notification.objects.exists()
    assert mail.outbox == []


ROLE_CODES = sorted({r for holders in HOLDERS.values() for r in holders} | {"reviewer", "organiser"})


@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    scope=st.sampled_from(sorted(HOLDERS, key=str)),
    roles_a=st.lists(st.sets(st.sampled_from(ROLE_CODES), min_size=1, max_size=2), min_size=1, max_size=4),
    roles_b=st.lists(st.sets(st.sampled_from(ROLE_CODES), min_size=1, max_size=2), min_size=1, max_size=3),
)
def test_any_people_and_any_scope_only_as_holders_receive(two_orgs, scope, roles_a, roles_b):
    a, b = two_orgs
    people_a = _people(a, [tuple(sorted(r)) for r in roles_a])
    people_b = _people(b, [tuple(sorted(r)) for r in roles_b])
    sockets = {u.pk: (a, u) for u in people_a} | {u.pk: (b, u) for u in people_b}

    def notify_these():
        with transaction.atomic():
            return notify(
                Kind.CONCERN,
                organisation=a,
                scope=scope,
                text=f"Something happened at {a.name}",
                url="/",
                users=[u.pk for u in people_a + people_b],
            )

    received, stored = _deliver(a, sockets, notify_these)

    expected = {u.pk for u, roles in zip(people_a, roles_a, strict=True) if roles & HOLDERS[scope]}
    _assert_exactly(received, stored, expected)
