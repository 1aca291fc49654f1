"""A record share and a change that ends access never interleave (real commits, two connections)."""

import threading
import time

from django.db import connection, transaction

from agreements import services as agreement_services
from agreements.models import Agreement, Level, Purpose, RecordKind
from agreements.policy import DenyReason, SharingDenied
from sharing import records
from sharing.models import ChannelGrant, SharedCheck


def _world(world):
    from tenants import services as tenant_services
    from tenants.models import Organisation
    from tests.agreements.conftest import Drafting
    from tests.factories import UserFactory

    university = Organisation.objects.get(pk=world.alderley)
    partner = Organisation.objects.get(pk=world.alderley_college)

    def member(org, *roles):
        user = UserFactory()
        tenant_services.membership_grant(actor=None, organisation=org, user=user, roles=roles)
        return user

    drafting = Drafting(member)
    return university, partner, drafting, drafting.active([university, partner], template="franchise")


def test_a_referral_shared_while_a_suspension_is_committing_waits_and_then_stores_nothing(committing_db, world):
    university, partner, drafting, agreement = _world(world)
    outcome = []

    def share():
        try:
            records.record_share(
                actor=None,
                source=partner,
                kind=RecordKind.REFERRAL,
                purpose=Purpose.SAFEGUARDING_REFERRAL,
                ref="case:1",
                recipient=university,
                level=Level.SUMMARY,
                record={"stage": "prevent_lead_involved"},
            )
            outcome.append("shared")
        except SharingDenied as denied:
            outcome.append(denied.reason)
        finally:
            connection.close()

    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=agreement.pk)  # the change holds the row, as services do
        sharer = threading.Thread(target=share)
        sharer.start()
        time.sleep(1.0)
        waited = sharer.is_alive()
        agreement_services.agreement_suspend(
            actor=drafting.signatory(university), organisation=university, agreement=agreement, reason="Concern"
        )
    sharer.join(timeout=30)

    assert waited
    assert outcome == [DenyReason.SUSPENDED]
    assert not SharedCheck.objects.filter(source=partner).exists()
    assert not ChannelGrant.objects.filter(channel__agreement=agreement, recipient=university).exists()
