"""Helpers for notification centre tests: notifications stored through the one helper."""

from __future__ import annotations

import pytest

from notifications import services
from notifications.kinds import Kind
from tenants.scopes import Scope


@pytest.fixture
def notify_n(django_capture_on_commit_callbacks):
    """`notify_n(org, n, scope=..., kind=...)`: n notifications to every holder of `scope` in `org`, oldest first."""

    def make(org, n, *, scope=Scope.AGREEMENTS_READ, kind=Kind.AGREEMENT_CHANGED, text="Agreement {i} was suspended"):
        stored = []
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(1, n + 1):
                stored += services.notify(
                    kind, organisation=org, scope=scope, text=text.format(i=i), url=f"/agreements/{i}/"
                )
        return stored

    return make


@pytest.fixture
def drafting_active(org_a, org_b, member):
    """An active agreement between org_a and org_b (speaker checks both ways, at summary level)."""
    from tests.agreements.conftest import Drafting

    return Drafting(member).active([org_a, org_b])
