"""A member that leaves loses, in the same transaction, the keys its membership gave it.

Under an agreement in force (the `network_speaker_checks` template: network figures between all
parties, aggregate), the network shares its totals (`network_figures`) with Alderley, and Alderley
contributes its own figures to the network. When Alderley leaves (or is removed):

* its grant on the network's channel to it goes, so it can no longer open the network's totals,
  not even with its own private key: `agreements.policy` denies a network's records to an
  organisation that is not its member or convenor now (`DenyReason.NOT_A_MEMBER`), and
  `sharing.revocation.network_membership_changed` (called by `networks.services.membership_end`)
  ends the grants;
* the network's key to what Alderley sent goes too (policy, both ways); what Alderley contributed
  stays in the network's own schema (`figures.Contribution`, tests/figures/test_flow.py).
"""

from __future__ import annotations

import pytest

from agreements.policy import DenyReason, Level, SharingDenied, access_receive
from networks import services
from sharing import records
from sharing.models import ChannelGrant
from tests.agreements.conftest import Drafting

KIND = "network_figures"
PURPOSE = "network_reporting"
AGGREGATE = Level.from_code("aggregate")


@pytest.fixture
def shared(network, org_a, member):
    Drafting(member).active([network, org_a], template="network_speaker_checks")
    totals = records.record_share(
        actor=None, source=network, kind=KIND, purpose=PURPOSE, ref="totals-2026-autumn", recipient=org_a,
        level=Level.from_code("aggregate"), record={"period": "2026-autumn", "speaker_requests": 41},
    )  # fmt: skip
    ours = records.record_share(
        actor=None, source=org_a, kind=KIND, purpose=PURPOSE, ref="alderley-2026-autumn", recipient=network,
        level=Level.from_code("aggregate"), record={"period": "2026-autumn", "speaker_requests": 17},
    )  # fmt: skip
    return totals, ours


def _grants(organisation) -> int:
    return ChannelGrant.objects.filter(recipient=organisation, channel__kind=KIND).count()


@pytest.mark.parametrize("reason", ["left", "removed"])
def test_a_member_that_leaves_can_no_longer_open_the_networks_figures(network, org_a, shared, reason):
    totals, ours = shared
    # given: Alderley reads the network's totals
    opened = records.record_open(organisation=org_a, user=None, record_id=totals.pk, purpose=PURPOSE, kind=KIND)
    assert opened.data["speaker_requests"] == 41
    assert _grants(org_a) >= 1

    # when
    services.membership_end(actor=None, network=network, member=org_a, reason=reason)

    # then: refused, its key to the network's channel gone, and nothing of the network's received
    with pytest.raises(SharingDenied):
        records.record_open(organisation=org_a, user=None, record_id=totals.pk, purpose=PURPOSE, kind=KIND)
    with pytest.raises(SharingDenied) as refused:
        access_receive(source_id=network.pk, recipient_id=org_a.pk, kind=KIND, level=AGGREGATE, purpose=PURPOSE)
    assert refused.value.reason == DenyReason.NOT_A_MEMBER
    assert records.records_received(organisation=org_a, user=None, kind=KIND, purpose=PURPOSE) == []
    assert not ChannelGrant.objects.filter(recipient=org_a, channel__kind=KIND, channel__sender=network).exists()
    # and the network's key to what Alderley sent ends too: what it contributed stays with the network
    # as the figures the network already brought in (figures.Contribution, tests/figures/test_flow.py)
    with pytest.raises(SharingDenied):
        records.record_open(organisation=network, user=None, record_id=ours.pk, purpose=PURPOSE, kind=KIND)
    assert not ChannelGrant.objects.filter(recipient=network, channel__kind=KIND, channel__sender=org_a).exists()


def test_the_network_cannot_share_new_figures_with_a_former_member(network, org_a, shared):
    services.membership_end(actor=None, network=network, member=org_a, reason="left")

    with pytest.raises(SharingDenied):
        records.record_share(
            actor=None, source=network, kind=KIND, purpose=PURPOSE, ref="totals-2027-spring", recipient=org_a,
            level=Level.from_code("aggregate"), record={"period": "2027-spring", "speaker_requests": 3},
        )  # fmt: skip


def test_rejoining_through_an_invitation_opens_the_networks_figures_again(network, org_a, shared, member):
    totals, _ = shared
    services.membership_end(actor=None, network=network, member=org_a, reason="left")
    invitation = services.invitation_create(actor=None, network=network, invited=org_a)

    services.invitation_answer(actor=member(org_a, "org_admin"), organisation=org_a, invitation=invitation, accept=True)

    opened = records.record_open(organisation=org_a, user=None, record_id=totals.pk, purpose=PURPOSE, kind=KIND)
    assert opened.data["speaker_requests"] == 41
