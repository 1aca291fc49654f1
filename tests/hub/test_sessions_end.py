"""An open socket ends when what admitted it ends: sign-out, a disabled account, a removed membership.

Each test opens a WebSocket through the real ASGI application (session cookie, host,
origin) with the in-memory channel layer, makes the change the way people make it (the
sign-out page, the operator's service, the admin's People page), and expects the socket
closed within 2 s and nothing delivered afterwards.
"""

from __future__ import annotations

import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from core.live import organisation_group, person_group
from hub.consumers import NOT_HERE, SESSION_ENDED
from tenants import services
from tenants.models import Membership, Organisation
from tests.factories import verify_second_factor

HOST = "alderley.hub.localhost"


def _signed_in(user, host: str = HOST) -> tuple[Client, bytes]:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    verify_second_factor(client, user)
    return client, f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def _open(cookie: bytes, host: str = HOST) -> WebsocketCommunicator:
    from hub.asgi import application

    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode()), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/presence/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def _closed_within_two_seconds_then_silent(communicator: WebsocketCommunicator, schema: str) -> float:
    started = time.monotonic()
    message = await communicator.receive_output(timeout=2)
    elapsed = time.monotonic() - started
    assert message == {"type": "websocket.close", "code": SESSION_ENDED}
    await get_channel_layer().group_send(
        organisation_group(schema), {"type": "notify", "scope": "org:read", "payload": {"n": 2}}
    )
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()
    return elapsed


@pytest.fixture
def alderley(committing_db, world) -> Organisation:
    return Organisation.objects.get(pk=world.alderley)


@pytest.fixture
def people(alderley):
    from tests.factories import UserFactory

    admin, person = UserFactory(), UserFactory()
    services.membership_grant(actor=None, organisation=alderley, user=admin, roles=["org_admin"])
    services.membership_grant(actor=None, organisation=alderley, user=person, roles=["reviewer"])
    return admin, person


def test_signing_out_closes_that_sessions_socket_and_nothing_arrives_after(alderley, people):
    _, person = people
    client, cookie = _signed_in(person)

    async def scenario():
        socket = await _open(cookie)
        await sync_to_async(client.post)("/logout/")
        return await _closed_within_two_seconds_then_silent(socket, alderley.schema_name)

    assert async_to_sync(scenario)() < 2


def test_signing_out_in_one_browser_leaves_the_persons_other_browser_connected(alderley, people):
    _, person = people
    first, first_cookie = _signed_in(person)
    _, second_cookie = _signed_in(person)

    async def scenario():
        leaving, staying = await _open(first_cookie), await _open(second_cookie)
        await sync_to_async(first.post)("/logout/")
        # the helper sends {"n": 2} to the organisation after the close: only the other browser gets it
        await _closed_within_two_seconds_then_silent(leaving, alderley.schema_name)
        received = await staying.receive_json_from(timeout=2)
        await staying.disconnect()
        return received

    assert async_to_sync(scenario)() == {"type": "notification", "payload": {"n": 2}}


def test_disabling_the_account_closes_its_sockets_in_every_organisation(alderley, people, world):
    _, person = people
    brackenford = Organisation.objects.get(pk=world.brackenford)
    services.membership_grant(actor=None, organisation=brackenford, user=person, roles=["auditor"])
    _, cookie = _signed_in(person)

    async def scenario():
        here = await _open(cookie)
        there = await _open(cookie, host="brackenford.hub.localhost")
        await sync_to_async(services.user_deactivate)(actor=None, user=person)
        return (
            await _closed_within_two_seconds_then_silent(here, alderley.schema_name),
            await _closed_within_two_seconds_then_silent(there, brackenford.schema_name),
        )

    assert max(async_to_sync(scenario)()) < 2


def test_removing_the_membership_on_the_people_page_closes_the_socket(alderley, people):
    admin, person = people
    admin_client, _ = _signed_in(admin)
    _, cookie = _signed_in(person)
    membership = Membership.objects.get(user=person, organisation=alderley)

    async def scenario():
        socket = await _open(cookie)
        response = await sync_to_async(admin_client.post)(f"/people/{membership.pk}/remove/")
        assert response.status_code == 302
        return await _closed_within_two_seconds_then_silent(socket, alderley.schema_name)

    assert async_to_sync(scenario)() < 2


def test_taking_away_every_role_closes_the_socket(alderley, people):
    admin, person = people
    _, cookie = _signed_in(person)
    membership = Membership.objects.get(user=person, organisation=alderley)

    async def scenario():
        socket = await _open(cookie)
        await sync_to_async(services.membership_set_roles)(actor=admin, membership=membership, roles=[])
        return await _closed_within_two_seconds_then_silent(socket, alderley.schema_name)

    assert async_to_sync(scenario)() < 2


@pytest.mark.parametrize("change", ["membership_deleted", "account_disabled", "session_deleted"])
def test_a_notification_is_not_delivered_when_admission_ended_without_a_close_message(alderley, people, change):
    # The close message can be lost (another process, a Redis hiccup): the consumer checks again itself.
    _, person = people
    client, cookie = _signed_in(person)

    def end_admission() -> None:
        if change == "membership_deleted":
            Membership.objects.filter(user=person, organisation=alderley).delete()
        elif change == "account_disabled":
            type(person).objects.filter(pk=person.pk).update(is_active=False)
        else:
            client.session.delete()

    async def scenario():
        socket = await _open(cookie)
        await sync_to_async(end_admission)()
        await get_channel_layer().group_send(
            organisation_group(alderley.schema_name), {"type": "notify", "payload": {"secret": 1}}
        )
        message = await socket.receive_output(timeout=2)
        assert await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return message

    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": SESSION_ENDED}


@pytest.mark.parametrize(
    ("roles", "delivered"),
    [(["prevent_lead"], True), (["reviewer"], False), (["auditor"], False), (["org_admin"], False)],
)
def test_a_notification_that_names_a_scope_reaches_only_members_holding_it(alderley, roles, delivered):
    from tests.factories import UserFactory

    person = UserFactory()
    services.membership_grant(actor=None, organisation=alderley, user=person, roles=roles)
    _, cookie = _signed_in(person)

    async def scenario():
        socket = await _open(cookie)
        await get_channel_layer().group_send(
            organisation_group(alderley.schema_name),
            {"type": "notify", "scope": "exchange:answer_detail", "payload": {"event": "exchange.detail_requested"}},
        )
        await get_channel_layer().group_send(
            person_group(alderley.schema_name, person.pk), {"type": "notify", "scope": "no:such-scope", "payload": {}}
        )
        got = [] if await socket.receive_nothing(timeout=0.5) else [await socket.receive_json_from()]
        still_open = await socket.receive_nothing(timeout=0.1)
        await socket.disconnect()
        return got, still_open

    got, still_open = async_to_sync(scenario)()

    assert got == ([{"type": "notification", "payload": {"event": "exchange.detail_requested"}}] if delivered else [])
    assert still_open  # a member without the scope keeps the socket; they just do not get that event


def test_an_upper_case_host_reaches_the_same_organisation_over_websocket_as_over_http(alderley, people):
    _, person = people
    client, cookie = _signed_in(person, host="ALDERLEY.hub.localhost.")

    async def scenario():
        socket = await _open(cookie, host="ALDERLEY.hub.localhost")
        await socket.disconnect()

    async_to_sync(scenario)()
    assert client.get("/").status_code == 200
    assert NOT_HERE == 4404
