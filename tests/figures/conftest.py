"""Helpers for network figures: a network of three members, the agreement, seeded records, sending.

`network` (Northern HE Network) has Alderley and Brackenford as members; a third member,
Alderley Partner College (`partner`), joins here, so that the network's totals may be published
(three members).
Every name is fictional.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from core.dates import today
from figures import services
from figures.models import Submission
from partners.periods import Period, terms_ended_by
from sharing.revocation import network_membership_changed
from tenants import services as tenant_services
from tenants.models import LinkKind, Organisation, OrganisationKind, OrganisationLink, User
from tests.agreements.conftest import Drafting
from tests.partners.conftest import seed_case, seed_decision

LAST_TERM = terms_ended_by(today(), 1)[0]
TERM_BEFORE = terms_ended_by(today(), 2)[1]


def inside(period: Period, days: int = 10):
    return period.start + timedelta(days=days)


@dataclass
class Net:
    network: Organisation
    members: list[Organisation]
    drafting: Drafting
    member: Callable[..., User]
    leads: dict[int, User] = field(default_factory=dict)

    def lead(self, organisation: Organisation) -> User:
        if organisation.pk not in self.leads:
            self.leads[organisation.pk] = self.member(organisation, "prevent_lead")
        return self.leads[organisation.pk]

    def agree(self, members: list[Organisation] | None = None):
        return self.drafting.active([self.network, *(members or self.members)], template="network_figures")

    def seed(self, organisation: Organisation, period: Period, outcomes: dict[str, int], stages: list[int]) -> None:
        """Speaker decisions by outcome, and one case per entry of `stages` reaching that many Prevent stages."""
        with tenant_context(organisation):
            n = 0
            for outcome, count in outcomes.items():
                for _ in range(count):
                    n += 1
                    seed_decision(self.lead(organisation), inside(period), outcome, n)
            for i, reached in enumerate(stages):
                seed_case(inside(period), stages=reached, n=i)

    def send(self, organisation: Organisation, period: Period = LAST_TERM) -> Submission:
        with tenant_context(organisation):
            return services.contribution_send(
                actor=self.lead(organisation),
                organisation=organisation,
                network=self.network,
                period=period,
                today=today(),
            )

    def ingest(self) -> int:
        with tenant_context(self.network):
            return services.ingest(network=self.network, actor=None)

    def publish(self, period: Period = LAST_TERM) -> services.PublishReport:
        with tenant_context(self.network):
            services.ingest(network=self.network, actor=None)
            return services.totals_publish(actor=None, network=self.network, period=period)

    def received(self, organisation: Organisation) -> list[dict[str, Any]]:
        with tenant_context(organisation):
            return services.totals_received(organisation=organisation, actor=None)

    def leave(self, organisation: Organisation) -> None:
        with transaction.atomic():
            OrganisationLink.objects.filter(source=organisation, target=self.network, kind=LinkKind.MEMBER_OF).delete()
            network_membership_changed(network_id=self.network.pk, member_id=organisation.pk)

    def join(self, organisation: Organisation) -> None:
        with transaction.atomic():
            OrganisationLink.objects.create(source=organisation, target=self.network, kind=LinkKind.MEMBER_OF)
            network_membership_changed(network_id=self.network.pk, member_id=organisation.pk)


def new_member(name: str, slug: str, network: Organisation) -> Organisation:
    organisation = tenant_services.organisation_create(actor=None, name=name, slug=slug, kind=OrganisationKind.PROVIDER)
    tenant_services.organisation_link(actor=None, source=organisation, target=network, kind=LinkKind.MEMBER_OF)
    return organisation


@pytest.fixture
def net(org_a, org_b, partner, network, member) -> Net:
    tenant_services.organisation_link(actor=None, source=partner, target=network, kind=LinkKind.MEMBER_OF)
    return Net(network=network, members=[org_a, org_b, partner], drafting=Drafting(member), member=member)
