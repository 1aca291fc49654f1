"""Real objects behind the risk register's URL kwargs, for the role × page matrix (tests/hub/test_rights_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django_tenants.utils import tenant_context

from core.dates import today
from risks import services
from tenants.models import Organisation, User


def risks_objects(home: Organisation, member: Callable[..., User]) -> dict[str, int]:
    """`risk_id`: a risk in `home`'s register; `risk_action_id`: an action on it."""
    owner = member(home, "prevent_lead")
    with tenant_context(home):
        risk = services.risk_create(
            actor=owner,
            organisation=home,
            data=services.RiskInput(
                title="Guest lecturers invited without a request",
                category="speakers_events",
                likelihood=3,
                impact=3,
                owner=owner,
                review_on=today() + timedelta(days=30),
            ),
        )
        action = services.action_create(
            actor=owner,
            organisation=home,
            data=services.ActionInput(
                title="Remind course leaders", owner=owner, due_on=today() + timedelta(days=10), risk=risk
            ),
        )
    return {"risk_id": risk.pk, "risk_action_id": action.pk}
