"""Live updates ask the same of a session as pages do: a socket opens only past the second factor."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from hub.consumers import NOT_HERE
from tenants import services
from tenants.models import Organisation
from tests.factories import UserFactory, verify_second_factor

HOST = "alderley.hub.localhost"


@pytest.fixture
def alderley(committing_db, world) -> Organisation:
    return Organisation.objects.get(pk=world.alderley)


def _cookie(user, *, verified: bool) -> bytes:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    if verified:
        verify_second_factor(client, user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


async def _connect(cookie: bytes) -> tuple[bool, object]:
    from hub.asgi import application

    headers = [(b"host", HOST.encode()), (b"origin", f"http://{HOST}".encode()), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/presence/", headers=headers)
    connected, code = await communicator.connect()
    await communicator.disconnect()
    return connected, code


def test_a_socket_opens_for_a_reviewer_only_once_the_session_passed_the_second_factor(alderley):
    reviewer, organiser = UserFactory(), UserFactory()
    services.membership_grant(actor=None, organisation=alderley, user=reviewer, roles=["reviewer"])
    services.membership_grant(actor=None, organisation=alderley, user=organiser, roles=["organiser"])

    assert async_to_sync(_connect)(_cookie(reviewer, verified=False)) == (False, NOT_HERE)
    assert async_to_sync(_connect)(_cookie(reviewer, verified=True))[0] is True
    assert async_to_sync(_connect)(_cookie(organiser, verified=False))[0] is True  # needs none
