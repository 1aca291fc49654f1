"""Who sees which concern and which case, on pages and through the API, against a model written from
the issue's words (not from the code): random roles, case teams, named deputies and people who left.

The model:
* a case is seen by a current member who is on its team and is on the safeguarding team
  (safeguarding officer or Prevent lead), by the Prevent lead, and by a named deputy;
* a concern is seen in full by the safeguarding team while it belongs to no case, and once it belongs
  to a case only by those who see the case;
* the person who raised a concern sees what they raised (and only that) while they are a member;
* someone who is not a member sees nothing (404 everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenants.models import Membership, Role
from tests.conftest import host_of
from tests.factories import verify_second_factor
from tests.welfare.conftest import open_case, raise_concern
from welfare import services
from welfare.choices import TriageOutcome
from welfare.models import Case, Concern, WelfareSettings

PEOPLE = 5
SAFEGUARDING_TEAM = {Role.SAFEGUARDING_OFFICER, Role.PREVENT_LEAD}


@dataclass
class Scene:
    org: object
    people: list
    waiting: Concern  # untriaged, raised by person 0
    closed: Concern  # no further action, raised by person 1
    in_case: list[Concern]  # opened as case 0 (raised by 2) and case 1 (raised by 0)
    cases: list[Case]


@pytest.fixture
def scene(org_a, member) -> Scene:
    people = [member(org_a, Role.PREVENT_LEAD) for _ in range(PEOPLE)]
    waiting = raise_concern(org_a, people[0], subject_given_name="Ngozi", subject_family_name="Eriksen")
    closed = raise_concern(org_a, people[1], subject_given_name="Tomás", subject_family_name="Abiodun")
    with tenant_context(org_a):
        services.concern_triage(actor=people[3], concern=closed, outcome=TriageOutcome.NO_FURTHER_ACTION)
    first = raise_concern(org_a, people[2], subject_given_name="Keanu", subject_family_name="Baptiste")
    second = raise_concern(org_a, people[0], subject_given_name="Ayesha", subject_family_name="Moreau")
    cases = [open_case(org_a, people[3], concern=first), open_case(org_a, people[4], concern=second)]
    with tenant_context(org_a):
        WelfareSettings.objects.get_or_create(singleton=True)
    return Scene(org_a, people, waiting, closed, [first, second], cases)


people_index = st.integers(min_value=0, max_value=PEOPLE - 1)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    roles=st.lists(st.sets(st.sampled_from(Role.values), min_size=1), min_size=PEOPLE, max_size=PEOPLE),
    teams=st.lists(st.sets(people_index), min_size=2, max_size=2),
    deputies=st.sets(people_index),
    left=st.sets(people_index),
)
def test_who_sees_which_concern_and_case_follows_the_model_on_pages_and_api(scene, roles, teams, deputies, left):
    with transaction.atomic():
        _arrange(scene, roles, teams, deputies, left)
        for index, person in enumerate(scene.people):
            _check_person(scene, index, person, roles[index], teams, deputies, left)
        transaction.set_rollback(True)


def _arrange(scene: Scene, roles, teams, deputies, left) -> None:
    connection.set_schema_to_public()
    for index, person in enumerate(scene.people):
        Membership.objects.filter(user=person, organisation=scene.org).update(roles=sorted(roles[index]))
    Membership.objects.filter(user__in=[scene.people[i] for i in left], organisation=scene.org).delete()
    with tenant_context(scene.org):
        for case, team in zip(scene.cases, teams, strict=True):
            case.team.set([scene.people[i] for i in team])
        WelfareSettings.objects.get(singleton=True).deputies.set([scene.people[i] for i in deputies])


def _model(index, held, teams, deputies, left):
    member = index not in left
    on_team_ok = bool(held & SAFEGUARDING_TEAM)
    sees_all = member and (Role.PREVENT_LEAD in held or index in deputies)
    sees_case = [sees_all or (member and on_team_ok and index in team) for team in teams]
    may_open_cases = member and (on_team_ok or index in deputies)
    return member, sees_case, may_open_cases


def _check_person(scene: Scene, index, person, held, teams, deputies, left) -> None:
    member, sees_case, may_open_cases = _model(index, held, teams, deputies, left)
    triager = member and bool(held & SAFEGUARDING_TEAM)
    client = Client(HTTP_HOST=host_of(scene.org))
    client.force_login(person)
    verify_second_factor(client, person)
    where = f"person {index} roles={sorted(held)} teams={teams} deputies={deputies} left={left}"

    # Cases: the page, and the API list
    for number, case in enumerate(scene.cases):
        status = client.get(f"/welfare/cases/{case.pk}/").status_code
        expected = 200 if sees_case[number] else (403 if member and not may_open_cases else 404)
        assert status == expected, f"case {number} page: {status} != {expected} for {where}"
    listing = client.get("/api/v1/welfare/cases/")
    if may_open_cases:
        shown = {row["id"] for row in listing.json()["results"]}
        assert shown == {c.pk for c, s in zip(scene.cases, sees_case, strict=True) if s}, where
    else:
        assert listing.status_code == (403 if member else 404), where

    # Concerns in full (the triage page): untriaged or closed without a case, or in a case you see
    full = {scene.waiting.pk: triager, scene.closed.pk: triager}
    full |= {c.pk: triager and sees_case[n] for n, c in enumerate(scene.in_case)}
    in_case = {c.pk for c in scene.in_case}
    for pk, sees in full.items():
        status = client.get(f"/welfare/triage/{pk}/").status_code
        shown = 302 if pk in in_case else 200  # a concern in a case: the case's reason first (no session here)
        assert (status == shown) == sees, f"concern {pk} triage page {status} for {where}"
        assert status in (200, 302, 403, 404)

    # What you raised, and nothing else
    own = client.get("/api/v1/welfare/concerns/")
    raised = {scene.waiting.pk, scene.in_case[1].pk} if index == 0 else set()
    raised |= {scene.closed.pk} if index == 1 else set()
    raised |= {scene.in_case[0].pk} if index == 2 else set()
    if member:
        assert {row["id"] for row in own.json()["results"]} == raised, where
        assert all("case" not in row for row in own.json()["results"])
    else:
        assert own.status_code == 404, where
    connection.set_schema_to_public()
