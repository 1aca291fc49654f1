"""A share and a change that ends access never interleave (real commits, two connections)."""

import threading
import time

from django.db import connection, transaction

from agreements import services as agreement_services
from agreements.models import Agreement
from sharing import services
from sharing.models import ChannelGrant, SharedCheck
from tests.sharing.conftest import FakeProjection


def _world(world):
    from tenants import services as tenant_services
    from tenants.models import Organisation
    from tests.agreements.conftest import Drafting
    from tests.factories import UserFactory

    org_a, org_b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)

    def member(org, *roles):
        user = UserFactory()
        tenant_services.membership_grant(actor=None, organisation=org, user=user, roles=roles)
        return user

    drafting = Drafting(member)
    return org_a, org_b, drafting, drafting.active([org_a, org_b])


def test_a_share_that_starts_while_a_suspension_is_committing_waits_and_then_shares_nothing(committing_db, world):
    org_a, org_b, drafting, agreement = _world(world)
    outcome = []

    def share():
        try:
            services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
            outcome.append("shared")
        except services.NothingToShare:
            outcome.append("nothing to share")
        finally:
            connection.close()

    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=agreement.pk)  # the change holds the row, as services do
        sharer = threading.Thread(target=share)
        sharer.start()
        time.sleep(1.0)
        waited = sharer.is_alive()
        agreement_services.agreement_suspend(
            actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement, reason="Concern raised"
        )
    sharer.join(timeout=30)

    assert waited
    assert outcome == ["nothing to share"]
    assert not SharedCheck.objects.filter(source=org_a).exists()
    assert not ChannelGrant.objects.filter(channel__agreement=agreement, recipient=org_b).exists()
