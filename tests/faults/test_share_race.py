"""Two shares of one decided request at once both succeed, one after the other (real commits, two connections).

Found by the PostgreSQL restart test's write load (several reviewers sharing the same requests):
the second share waited on the first's lock of the current version, then found no current version
(the first had closed it) and tried to store version 1 again, a unique violation and a 500.
"""

from __future__ import annotations

import threading
import time

from django.db import connection, transaction

from sharing.models import SharedCheck
from sharing.services import check_share
from tenants import services as tenant_services
from tenants.models import Organisation
from tests.agreements.conftest import Drafting
from tests.factories import UserFactory
from tests.sharing.conftest import FakeProjection


def _member(organisation, *roles):
    user = UserFactory()
    tenant_services.membership_grant(actor=None, organisation=organisation, user=user, roles=roles)
    return user


def test_a_share_waiting_on_another_share_of_the_same_request_stores_the_next_version(committing_db, world):
    alderley = Organisation.objects.get(pk=world.alderley)
    brackenford = Organisation.objects.get(pk=world.brackenford)
    Drafting(_member).active([alderley, brackenford])
    projection = FakeProjection(request_id=9101, speaker_names=("Dr Ilse Marchetti-Obi",))
    check_share(actor=None, source=alderley, projection=projection)
    outcome: list[object] = []

    def second() -> None:
        try:
            outcome.append(check_share(actor=None, source=alderley, projection=projection)[0].version)
        except Exception as exc:  # noqa: BLE001 - the assertion shows which
            outcome.append(type(exc).__name__)
        finally:
            connection.close()

    with transaction.atomic():
        check_share(actor=None, source=alderley, projection=projection)  # version 2, not yet committed
        other = threading.Thread(target=second)
        other.start()
        time.sleep(1.0)
        waited = other.is_alive()
    other.join(timeout=30)

    assert waited
    assert outcome == [3]
    rows = SharedCheck.objects.filter(source=alderley, source_ref="request:9101/speaker:1", recipient__isnull=True)
    assert sorted(rows.values_list("version", "is_current")) == [(1, False), (2, False), (3, True)]
