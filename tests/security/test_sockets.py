"""WebSocket subscriptions across organisations, against `hub.asgi`'s application.

Ada holds every role in A (Brackenford); Ben is B's (Alderley's) Prevent lead. Ada's socket on
B's host, in any spelling of it, is refused like an anonymous one; connected on her own host,
she receives nothing that is sent to B's groups, while Ben's socket does (so the sends are real).
"""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY

from core.live import organisation_group, person_group, recipients_pack
from hub.consumers import NOT_HERE
from tenants import services
from tenants.models import Organisation, Role
from tests.factories import UserFactory, second_factor_device

B_HOST = "alderley.hub.localhost"
A_HOST = "brackenford.hub.localhost"
B_SPELLINGS = [B_HOST, B_HOST.upper(), f"{B_HOST}.", f"{B_HOST}:8000", f"{B_HOST.upper()}.:80"]


def _cookie_for(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id  # signed in with both factors
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def _connect(host: str, cookie: bytes | None, origin: str | None = None):
    from hub.asgi import application

    headers = [(b"host", host.encode()), (b"origin", f"http://{origin or host}".encode())]
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, "/ws/presence/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.fixture
def people(committing_db, world):
    """(Ada: every role in A, Ben: B's Prevent lead, A, B), committed: the consumer reads on its own thread."""
    org_a = Organisation.objects.get(pk=world.brackenford)
    org_b = Organisation.objects.get(pk=world.alderley)
    ada, ben = UserFactory(full_name="Ada Kowalczyk-Mbeki"), UserFactory(full_name="Benedikt Oyelaran-Voss")
    services.membership_grant(actor=None, organisation=org_a, user=ada, roles=list(Role.values))
    services.membership_grant(actor=None, organisation=org_b, user=ben, roles=[Role.PREVENT_LEAD])
    return ada, ben, org_a, org_b


def test_a_member_of_a_is_refused_on_b_in_every_spelling_of_its_host_and_so_is_anonymous(people, record_property):
    ada, _, _, _ = people
    cookie = _cookie_for(ada)

    async def scenario():
        answers = {}
        for host in B_SPELLINGS:
            _, connected, code = await _connect(host, cookie)
            answers[f"Ada on {host}"] = (connected, code)
            _, connected, code = await _connect(host, None)
            answers[f"anonymous on {host}"] = (connected, code)
        # Her own host as the Origin changes nothing: the Host decides.
        _, connected, code = await _connect(B_HOST, cookie, origin=A_HOST)
        answers["Ada on B, Origin A"] = (connected, code)
        return answers

    answers = async_to_sync(scenario)()

    record_property("attack_cases", len(answers))
    assert {who: answer for who, answer in answers.items() if answer[0]} == {}
    # 4404: no member here (hub.consumers); 1000: channels' origin check closing before the tenant is asked.
    assert {code for _, code in answers.values()} <= {NOT_HERE, 1000}, answers


def test_a_member_of_a_connected_on_her_own_host_receives_nothing_sent_to_bs_groups(people, record_property):
    ada, ben, org_a, org_b = people
    ada_cookie, ben_cookie = _cookie_for(ada), _cookie_for(ben)
    b_schema = org_b.schema_name
    sends = [
        (organisation_group(b_schema), {"type": "notify", "scope": "org:read", "payload": {"n": 1}}),
        # Packed for Ada's own id, as `core.live.people_notify` packs recipients: still B's group.
        (
            organisation_group(b_schema),
            {
                "type": "notify",
                "scope": "org:read",
                "payload": {"n": 2},
                "each": recipients_pack({ada.pk: (1, 1), ben.pk: (2, 1)}),
            },
        ),
        (person_group(b_schema, ada.pk), {"type": "notify", "scope": "org:read", "payload": {"n": 3}}),
        (person_group(b_schema, ben.pk), {"type": "notify", "scope": "org:read", "payload": {"n": 4}}),
        (person_group(b_schema, ben.pk), {"type": "session.close"}),
    ]

    async def scenario():
        ada_socket, ada_in, _ = await _connect(A_HOST, ada_cookie)
        ben_socket, ben_in, _ = await _connect(B_HOST, ben_cookie)
        assert ada_in and ben_in
        await ada_socket.receive_json_from()  # hello
        await ben_socket.receive_json_from()
        layer = get_channel_layer()
        for group, message in sends[:-1]:
            await layer.group_send(group, message)
        ben_got = [await ben_socket.receive_json_from(timeout=2) for _ in range(3)]  # n 1, 2 (his id), 4
        await layer.group_send(*sends[-1])
        ada_got_nothing = await ada_socket.receive_nothing(timeout=0.5)
        ben_closed = await ben_socket.receive_output(timeout=2)
        await ada_socket.disconnect()
        return ben_got, ada_got_nothing, ben_closed

    ben_got, ada_got_nothing, ben_closed = async_to_sync(scenario)()

    record_property("attack_cases", len(sends))
    assert [m["payload"]["n"] for m in ben_got] == [1, 2, 4]  # the sends reached B's groups
    assert ada_got_nothing  # ... and nothing of them reached A's socket
    assert ben_closed["type"] == "websocket.close"
