"""The networks demo: two networks with past and upcoming meetings, standing items, a paper, actions and a
pending invitation; running it twice creates nothing new."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from hub import demo
from networks import selectors
from networks.models import Action, AgendaItem, Meeting, Paper, StandingItem
from tenants.models import Membership, NetworkInvitation, Organisation


def _sizes(networks):
    sizes = [NetworkInvitation.objects.count(), Membership.objects.count()]
    for network in networks:
        with tenant_context(network):
            sizes += [m.objects.count() for m in (Meeting, AgendaItem, StandingItem, Paper, Action)]
    return sizes


def test_the_demo_networks_are_complete_and_seeding_twice_adds_nothing(db, world):
    by_slug = demo.demo_seed()
    networks = [by_slug["midshire-network"], by_slug["riverside-silver"]]
    first = _sizes(networks)

    demo.demo_seed()

    assert _sizes(networks) == first
    for network in networks:
        with tenant_context(network):
            assert selectors.meetings_past().filter(minutes_approved_at__isnull=False).exists()
            (upcoming,) = selectors.meetings_upcoming()
            assert upcoming.papers.exists()
            assert upcoming.agenda_items.filter(standing_item__isnull=False).count() >= 2
            assert selectors.overdue_actions().exists()
    pending = NetworkInvitation.objects.get(network__slug="midshire-network", status="pending")
    assert pending.invited.slug == "northmoor-college" and pending.is_open()
    amara = Membership.objects.get(user__email="amara.okafor@northmoor.example", organisation__slug="midshire-network")
    assert [o.slug for o in selectors.represented_organisations(networks[0], amara.user)] == ["northmoor"]
    assert Organisation.objects.get(slug="eastbrook") in selectors.member_organisations(networks[0])
