"""`scopes_of_many`: the same scopes as `scopes_of` one membership at a time, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.services import holders
from speakers.models import ProcedureConfig
from tenants import services
from tenants.models import Membership, Role
from tenants.scopes import Scope, scopes_of, scopes_of_many
from tests.factories import UserFactory
from welfare.models import WelfareSettings

PEOPLE = 6
role_sets = st.lists(st.sets(st.sampled_from(Role.values), max_size=3), min_size=PEOPLE, max_size=PEOPLE)


def _members(organisation, count):
    people = [UserFactory() for _ in range(count)]
    for user in people:
        services.membership_grant(actor=None, organisation=organisation, user=user, roles=["reviewer"])
    return people


def _procedure_and_deputies(organisation, reviewing, senior, deputies) -> None:
    with schema_context(organisation.schema_name):
        ProcedureConfig.objects.update_or_create(
            singleton=True, defaults={"reviewing_roles": sorted(reviewing), "senior_decision_maker_role": senior}
        )
        settings_row, _ = WelfareSettings.objects.get_or_create(singleton=True)
        settings_row.deputies.set(deputies)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    roles_a=role_sets,
    roles_b=role_sets,
    reviewing=st.sets(st.sampled_from(Role.values), max_size=3),
    senior=st.sampled_from(Role.values),
    deputies_a=st.sets(st.integers(0, PEOPLE - 1)),
    deputies_b=st.sets(st.integers(0, PEOPLE - 1)),
    inside=st.booleans(),
)
def test_the_same_scopes_as_one_at_a_time_across_two_organisations(
    org_a, org_b, roles_a, roles_b, reviewing, senior, deputies_a, deputies_b, inside
):
    people = {org_a.pk: _members_once(org_a), org_b.pk: _members_once(org_b)}
    for organisation, roles, deputies in ((org_a, roles_a, deputies_a), (org_b, roles_b, deputies_b)):
        for user, held in zip(people[organisation.pk], roles, strict=True):
            Membership.objects.filter(user=user, organisation=organisation).update(roles=sorted(held))
        _procedure_and_deputies(
            organisation, reviewing, senior, [people[organisation.pk][i] for i in deputies]
        )  # the same procedure in both: the batch must still read each organisation's own rows
    memberships = list(
        Membership.objects.select_related("organisation").filter(
            user__in=people[org_a.pk] + people[org_b.pk], organisation__in=[org_a, org_b]
        )
    )
    memberships = memberships[::2] + [None] + memberships[1::2]  # the organisations interleaved, and a None

    def both():
        return scopes_of_many(memberships), [scopes_of(m) for m in memberships]

    if inside:  # inside one organisation's schema, as pages call it
        with tenant_context(org_a):
            many, one_by_one = both()
    else:
        many, one_by_one = both()
    assert many == one_by_one


_made: dict[int, list] = {}


def _members_once(organisation):
    """The same people for every hypothesis example of one test (the database is rolled back after it)."""
    if organisation.pk not in _made or not Membership.objects.filter(user=_made[organisation.pk][0]).exists():
        _made[organisation.pk] = _members(organisation, PEOPLE)
    return _made[organisation.pk]


@pytest.mark.django_db
def test_holders_asks_a_constant_number_of_queries_however_many_members(org_a):
    def queries_for(count):
        _members(org_a, count)
        with CaptureQueriesContext(connection) as captured:
            found = holders(org_a, Scope.SPEAKERS_REVIEW)
        return len(captured), found

    few, _ = queries_for(3)
    many, found = queries_for(40)
    assert few == many
    assert len(found) >= 43  # reviewers review under the default procedure
