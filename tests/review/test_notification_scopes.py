"""Review finding: the exchange's "checks were shared with you" notification names no scope (review1).

The dashboard shows exchange figures only to people whose scopes open the exchange, but the live
notification `exchange.shared` (source name and count) goes to every member of the recipient.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync, sync_to_async

from sharing import services as sharing_services
from tenants import services
from tenants.models import Organisation, Role
from tests.agreements.conftest import Drafting
from tests.factories import UserFactory
from tests.hub.test_sessions_end import _open, _signed_in
from tests.sharing.conftest import FakeProjection


def _member(organisation, *roles):
    user = UserFactory()
    services.membership_grant(actor=None, organisation=organisation, user=user, roles=list(roles))
    return user


def test_an_organiser_without_exchange_rights_is_not_told_what_the_network_shared(committing_db, world) -> None:
    # given: an active agreement between A and B; an event organiser of A (no exchange scope) with a socket open
    alderley = Organisation.objects.get(pk=world.alderley)
    brackenford = Organisation.objects.get(pk=world.brackenford)
    Drafting(_member).active([alderley, brackenford])
    organiser = _member(alderley, Role.ORGANISER)
    _, cookie = _signed_in(organiser)

    async def scenario():
        socket = await _open(cookie)
        # when: B shares a check that A may read
        await sync_to_async(sharing_services.check_share)(
            actor=None, source=brackenford, projection=FakeProjection(77, ("Dr Amara Lindqvist",))
        )
        # then: nothing reaches the organiser's socket
        silent = await socket.receive_nothing(timeout=1)
        received = None if silent else await socket.receive_json_from()
        await socket.disconnect()
        return received

    assert async_to_sync(scenario)() is None
