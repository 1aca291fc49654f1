"""Referral fixtures: a partner (Alderley Partner College) validated by Alderley University under the
franchise template, people at both, and cases in the partner's own schema. Names are fictional."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from agreements.models import AgreementFlow
from core.models import AuditEvent
from referrals.models import AggregateSend, SummaryShare, TransferRequest
from sharing.models import ChannelGrant, ChannelKey, CheckOpened, Envelope, EnvelopeKey, SharedCheck
from tenants.models import Organisation
from tests.agreements.conftest import Drafting
from welfare.models import Case


@pytest.fixture
def drafting(member) -> Drafting:
    return Drafting(member)


@pytest.fixture
def university(org_a):
    return org_a


@pytest.fixture
def franchise(drafting, university, partner):
    """The partner reports to its validating university (template parties: university first)."""
    return drafting.active([university, partner], template="franchise")


@pytest.fixture
def second_university(org_b):
    """Brackenford: a second recipient of the partner's referrals (under its own franchise agreement)."""
    return org_b


@pytest.fixture
def people(member, partner, university):
    """Who does what: at the partner a Prevent lead, a DPO, a safeguarding officer; at the university
    a Prevent lead and a DPO."""

    class People:
        lead = member(partner, "prevent_lead", full_name="Nkechi Oyelaran-Hart")
        dpo = member(partner, "dpo", full_name="Ruairi Macpherson")
        officer = member(partner, "safeguarding_officer", full_name="Lucia Ferreira")
        uni_lead = member(university, "prevent_lead", full_name="Hamza Qureshi")
        uni_dpo = member(university, "dpo", full_name="Ingrid Solberg")

    return People


@pytest.fixture
def make_case(partner) -> Callable[..., Case]:
    """`make_case(**fields)`: a case in the partner's schema (fictional subject)."""

    def make(org: Organisation | None = None, **fields: Any) -> Case:
        values: dict[str, Any] = {
            "subject_given_name": "Temperance",
            "subject_family_name": "Adebayo-Lindqvist",
            "subject_number": "S1234567",
            "opened_on": date.today() - timedelta(days=40),  # noqa: DTZ011
            "summary": "Spoke of a 'coming war' with classmates; seemed isolated.",
        }
        values.update(fields)
        with tenant_context(org or partner):
            return Case.objects.create(**values)

    return make


def stored() -> dict[str, int]:
    """Everything a share can write, public and (call inside the partner's schema) the partner's own."""
    counts = {
        model.__name__: model.objects.count()
        for model in (SharedCheck, Envelope, EnvelopeKey, ChannelKey, ChannelGrant, CheckOpened, AgreementFlow)
    }
    counts["shares"] = AuditEvent.objects.filter(
        action__in=["exchange.record_share", "exchange.record_correct"]
    ).count()
    return counts


def partner_rows(partner: Organisation) -> dict[str, int]:
    with tenant_context(partner):
        return {m.__name__: m.objects.count() for m in (TransferRequest, SummaryShare, AggregateSend)}
