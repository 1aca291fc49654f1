"""Helpers for network tests: `network` (Northern HE Network) has members Alderley (`org_a`) and Brackenford
(`org_b`), convened by Brackenford; `partner` (Alderley Partner College) is not a member.

People of members take part as members of the network organisation (one login): `representative`
makes a person who belongs to a member and to the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from networks import services
from networks.models import Action, Meeting
from tenants import services as tenant_services
from tenants.models import Organisation, Role, User


def soon(days: int = 7, hour: int = 10) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def schedule(
    network: Organisation, actor: User | None, *, title: str = "Network meeting", days: int = 7, **kw
) -> Meeting:
    past = days < 0
    with tenant_context(network):
        return services.meeting_schedule(
            actor=actor,
            network=network,
            data=services.MeetingData(
                title=title, starts_at=soon(days), location=kw.pop("location", "Room 1"), record_past=past, **kw
            ),
        )


def record_action(network: Organisation, actor: User | None, meeting: Meeting, owner: Organisation, **kw) -> Action:
    with tenant_context(network):
        return services.action_record(
            actor=actor,
            network=network,
            meeting=meeting,
            description=kw.pop("description", "Share the speaker decision template"),
            owner_organisation=owner,
            due_on=kw.pop("due_on", timezone.localdate() + dt.timedelta(days=14)),
            **kw,
        )


@pytest.fixture
def coordinator(network: Organisation, member: Callable[..., User]) -> User:
    return member(network, Role.COORDINATOR, full_name="Ngozi Adebayo-Lindqvist")


@pytest.fixture
def representative(network: Organisation, org_a: Organisation, member: Callable[..., User]) -> User:
    """A Prevent lead of Alderley who also belongs to the network: speaks for Alderley there."""
    person = member(org_a, Role.PREVENT_LEAD, full_name="Łucja Øvergaard")
    tenant_services.membership_grant(actor=None, organisation=network, user=person, roles=[Role.PREVENT_LEAD])
    return person
