"""The WebSocket channel resolves the organisation from the host and admits only its members."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY

from core.after_commit import send_after_commit
from hub.consumers import organisation_group
from tests.factories import second_factor_device


def _cookie_for(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id  # passed the second factor
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def _connect(host: str, cookie: bytes | None):
    from hub.asgi import application

    headers = [(b"host", host.encode()), (b"origin", f"http://{host}".encode())]
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, "/ws/presence/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


def test_a_member_joins_their_organisations_channel_and_gets_its_notifications(
    committing_db, world, member_factory_committed
):
    ada, org_a = member_factory_committed
    cookie = _cookie_for(ada)

    async def scenario():
        communicator, connected, _ = await _connect("alderley.hub.localhost", cookie)
        assert connected
        hello = await communicator.receive_json_from()
        from channels.layers import get_channel_layer

        await get_channel_layer().group_send(
            organisation_group(org_a.schema_name), {"type": "notify", "scope": "org:read", "payload": {"n": 1}}
        )
        message = await communicator.receive_json_from()
        await communicator.disconnect()
        return hello, message

    hello, message = async_to_sync(scenario)()

    assert hello == {"type": "hello", "organisation": "org_alderley"}
    assert message == {"type": "notification", "payload": {"n": 1}}


def test_a_non_member_and_an_unknown_host_are_closed_alike(committing_db, world, member_factory_committed):
    ada, _ = member_factory_committed
    cookie = _cookie_for(ada)

    async def scenario():
        _, other, other_code = await _connect("brackenford.hub.localhost", cookie)
        _, unknown, unknown_code = await _connect("nowhere.hub.localhost", cookie)
        return other, other_code, unknown, unknown_code

    other, other_code, unknown, unknown_code = async_to_sync(scenario)()

    assert (other, unknown) == (False, False)
    assert other_code == unknown_code == 4404


def test_a_send_after_commit_is_not_sent_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_after_commit("org_alderley.organisation", {"type": "notify", "payload": {}})

    assert len(callbacks) == 1  # queued for commit, not sent; a rollback discards it


@pytest.fixture
def member_factory_committed(committing_db, world):
    from tenants import services
    from tenants.models import Organisation
    from tests.factories import UserFactory

    org_a = Organisation.objects.get(pk=world.alderley)
    ada = UserFactory()
    services.membership_grant(actor=None, organisation=org_a, user=ada, roles=["reviewer"])
    return ada, org_a
