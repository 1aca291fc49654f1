"""Helpers for the risk register tests. Every name is fictional."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from risks import services
from risks.models import Risk, RiskAction
from tenants.models import Organisation, User

TODAY = today()


def risk_input(owner: User | None, **overrides) -> services.RiskInput:
    values = {
        "title": "A speaker event goes ahead unassessed",
        "category": "speakers_events",
        "likelihood": 2,
        "impact": 4,
        "owner": owner,
        "review_on": TODAY + timedelta(days=30),
        "description": "Room bookings made directly with a department bypass the procedure.",
        "existing_controls": "Speaker request procedure.",
        "planned_controls": "Termly audit of a sample of requests.",
    }
    values.update(overrides)
    return services.RiskInput(**values)


def action_input(owner: User | None, due_on: date | None = None, **overrides) -> services.ActionInput:
    values = {"title": "Audit a sample of requests", "owner": owner, "due_on": due_on or TODAY + timedelta(days=7)}
    values.update(overrides)
    return services.ActionInput(**values)


@pytest.fixture
def lead(org_a: Organisation, member: Callable[..., User]) -> User:
    return member(org_a, "prevent_lead", full_name="Adaeze Whitfield")


@pytest.fixture
def add_risk(org_a: Organisation, lead: User) -> Callable[..., Risk]:
    def make(organisation: Organisation | None = None, actor: User | None = None, **overrides) -> Risk:
        organisation = organisation or org_a
        actor = actor or lead
        with tenant_context(organisation):
            return services.risk_create(actor=actor, organisation=organisation, data=risk_input(actor, **overrides))

    return make


@pytest.fixture
def add_action(org_a: Organisation, lead: User) -> Callable[..., RiskAction]:
    def make(organisation: Organisation | None = None, actor: User | None = None, past: bool = False, **kw):
        organisation = organisation or org_a
        actor = actor or lead
        with tenant_context(organisation):
            return services.action_create(
                actor=actor, organisation=organisation, data=action_input(actor, **kw), recording_past=past
            )

    return make
