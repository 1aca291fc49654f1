"""Every live notification names the scope that may see it; one naming none reaches nobody (review1)."""

from __future__ import annotations

import inspect

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from core import live
from core.live import organisation_group
from notifications import services as notification_services
from sharing import services as sharing_services
from tenants import services
from tenants.models import Organisation
from tests.agreements.conftest import Drafting
from tests.hub.test_sessions_end import _open, _signed_in
from tests.sharing.conftest import FakeProjection


@pytest.mark.parametrize("helper", [live.members_notify, sharing_services._notify], ids=["core", "sharing"])
def test_a_notification_cannot_be_sent_without_naming_its_scope(helper):
    scope = inspect.signature(helper).parameters["scope"]

    assert scope.default is inspect.Parameter.empty and scope.kind is inspect.Parameter.KEYWORD_ONLY


def test_an_empty_scope_is_refused_before_anything_is_queued(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, pytest.raises(ValueError):
        live.members_notify(schema="org_alderley", payload={"event": "x"}, scope="")

    assert callbacks == []


def test_agreement_and_exchange_notifications_each_name_the_scope_that_may_open_what_they_point_to(
    org_a, org_b, member, monkeypatch
):
    sent = []
    monkeypatch.setattr(live, "send_after_commit", lambda group, message: sent.append(message))
    monkeypatch.setattr(notification_services, "send_after_commit", lambda group, message: sent.append(message))

    Drafting(member).active([org_a, org_b])  # proposed, signed, fully signed
    sharing_services.check_share(actor=None, source=org_a, projection=FakeProjection(91, ("Prof Yaw Lindgren-Osei",)))

    assert sent and all(m.get("scope") for m in sent), sent
    live_only = {m["payload"].get("event"): m["scope"] for m in sent if m["payload"].get("event") != "notification"}
    assert {s for e, s in live_only.items() if not e.startswith("exchange.")} == {"agreements:read"}  # signed
    # Stored notifications carry the scope their link needs: the version to sign, for the other party's signatories.
    notified = {(m["payload"]["kind"], m["scope"]) for m in sent if m["payload"].get("event") == "notification"}
    assert ("agreement_to_sign", "agreements:sign") in notified
    assert all(scope for _, scope in notified)


def test_a_notification_without_a_scope_reaches_no_socket_and_leaves_it_open(committing_db, world):
    from tests.factories import UserFactory

    alderley = Organisation.objects.get(pk=world.alderley)
    person = UserFactory()
    services.membership_grant(actor=None, organisation=alderley, user=person, roles=["prevent_lead"])
    _, cookie = _signed_in(person)

    async def scenario():
        socket = await _open(cookie)
        await get_channel_layer().group_send(
            organisation_group(alderley.schema_name), {"type": "notify", "payload": {}}
        )
        silent = await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()
        return silent

    assert async_to_sync(scenario)()
