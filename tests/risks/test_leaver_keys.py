"""A member that leaves: the network stops opening its risk summary *by the policy*, not only by the page,
and the network's keys to the leaver's summary end in the same transaction (issue 11, "Bad input")."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from agreements.models import Level, Purpose, RecordKind
from agreements.policy import DenyReason, SharingDenied, access_receive
from networks import services as network_services
from risks import services
from sharing.models import ChannelGrant
from sharing.records import records_received
from tests.agreements.conftest import Drafting


def test_the_network_can_no_longer_open_a_leavers_risk_summary_and_its_keys_end(org_a, network, member):
    Drafting(member).active([network, org_a], template="network_risk_summary")
    sharer = member(org_a, "prevent_lead", full_name="Ngozi Abernethy")
    with tenant_context(org_a):
        services.summary_share(actor=sharer, organisation=org_a, network=network)
    kind, purpose = str(RecordKind.RISK_SUMMARY), str(Purpose.NETWORK_REPORTING)
    with tenant_context(network):
        assert len(records_received(organisation=network, user=None, kind=kind, purpose=purpose, source_id=org_a.pk))
    assert ChannelGrant.objects.filter(recipient=network, channel__sender=org_a).exists()

    network_services.membership_end(actor=None, network=network, member=org_a, reason="left")

    with pytest.raises(SharingDenied) as denied:
        access_receive(source_id=org_a.pk, recipient_id=network.pk, kind=kind, level=Level.AGGREGATE, purpose=purpose)
    assert denied.value.reason is DenyReason.NOT_A_MEMBER
    with tenant_context(network):
        assert records_received(organisation=network, user=None, kind=kind, purpose=purpose, source_id=org_a.pk) == []
    assert not ChannelGrant.objects.filter(recipient=network, channel__sender=org_a).exists()
