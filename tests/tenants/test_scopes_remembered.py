"""Within one read-only request a membership's scopes are worked out once (`scopes_remembered`)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from tenants import services
from tenants.models import Membership
from tenants.scopes import Scope, scopes_of, scopes_remembered
from tests.factories import UserFactory


def _member(organisation, roles):
    user = UserFactory()
    services.membership_grant(actor=None, organisation=organisation, user=user, roles=roles)
    return Membership.objects.get(user=user, organisation=organisation)


def test_inside_the_block_the_providers_are_asked_once_and_outside_every_time(org_a):
    membership = _member(org_a, ["reviewer"])
    with tenant_context(org_a):
        first = scopes_of(membership)
        with CaptureQueriesContext(connection) as outside:
            second = scopes_of(membership)
        with scopes_remembered():
            third = scopes_of(membership)
            with CaptureQueriesContext(connection) as inside:
                fourth = scopes_of(membership)

    assert first == second == third == fourth
    assert len(outside) > 0  # the providers read the procedure and deputies each time
    assert len(inside) == 0


def test_changed_roles_are_not_answered_from_memory(org_a):
    membership = _member(org_a, ["reviewer"])
    with tenant_context(org_a), scopes_remembered():
        before = scopes_of(membership)
        membership.roles = ["org_admin"]
        after = scopes_of(membership)

    assert Scope.ORG_ADMIN not in before
    assert Scope.ORG_ADMIN in after


def test_nothing_is_remembered_after_the_block(org_a):
    membership = _member(org_a, ["reviewer"])
    with tenant_context(org_a):
        with scopes_remembered():
            scopes_of(membership)
        with CaptureQueriesContext(connection) as later:
            scopes_of(membership)

    assert len(later) > 0
