"""Review findings on open sockets outliving what admitted them (review1).

Same harness as tests/hub/test_sessions_end.py: the real ASGI app, in-memory channel layer.
"""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.live import organisation_group
from hub.consumers import SESSION_ENDED
from tenants import services
from tenants.models import Organisation
from tests.hub.test_sessions_end import _open, _signed_in


@pytest.fixture
def alderley(committing_db, world) -> Organisation:
    return Organisation.objects.get(pk=world.alderley)


@pytest.fixture
def person(alderley):
    from tests.factories import UserFactory

    user = UserFactory()
    user.set_password("old-pass-Kestrel-2026")
    user.save()
    services.membership_grant(actor=None, organisation=alderley, user=user, roles=["reviewer"])
    return user


async def _notify_and_receive(socket, schema: str):
    await get_channel_layer().group_send(organisation_group(schema), {"type": "notify", "payload": {"secret": 1}})
    message = await socket.receive_output(timeout=2)
    await socket.disconnect()
    return message


def test_a_socket_gets_nothing_once_its_session_has_expired(alderley, person):
    # given: a socket opened by a session that has since expired (its row is still there until clearsessions)
    client, cookie = _signed_in(person)
    key = client.session.session_key

    async def scenario():
        socket = await _open(cookie)
        await sync_to_async(Session.objects.filter(session_key=key).update)(
            expire_date=timezone.now() - dt.timedelta(minutes=1)
        )
        assert (await sync_to_async(client.get)("/")).status_code == 302  # pages: signed out
        return await _notify_and_receive(socket, alderley.schema_name)

    # then: the socket is closed rather than fed
    assert async_to_sync(scenario)() == {"type": "websocket.close", "code": SESSION_ENDED}
