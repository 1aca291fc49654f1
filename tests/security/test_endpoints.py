"""Generated cross-tenant and role attack suite: every endpoint × method × caller, expected from one table.

The endpoints come from the URL configuration (`tests/security/endpoints.py`), cross-checked
against the OpenAPI schema; the expected answers from `tests/security/expectations.py`; and
every denial is checked to have written nothing (`tests/security/writes.py`). One test per
endpoint; inside it, every caller and method. A mismatch names endpoint, method, caller,
expected and got. Add an endpoint and it is attacked on the next run, with no test to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client

from tenants.models import Role
from tests.conftest import host_of
from tests.factories import UserFactory, verify_second_factor
from tests.security import expectations as table
from tests.security.conftest import CASES_PROPERTY
from tests.security.endpoints import (
    OUTSIDER_METHODS,
    Route,
    allowed_methods,
    public_routes,
    public_schema_operations,
    refused_method,
    schema_operations,
    tenant_routes,
)
from tests.security.world import AttackWorld
from tests.security.writes import last_audit_id, per_table, total, unaccepted, user_tables

TENANT = tenant_routes()
PUBLIC = public_routes()
# A floor, so an enumerator that finds little (or nothing) cannot pass: main has 234 tenant
# patterns, 9 public ones, 79 API paths and runs about 9,000 cases.
MIN_TENANT_ROUTES = 200
MIN_API_PATHS = 70
MIN_CASES = 7000
NOWHERE_ID = 2_000_000_001  # an id no table holds


@dataclass(frozen=True)
class Case:
    route: Route
    method: str
    who: str
    expect: table.Expect


def _request(client: Client, route: Route, method: str, url: str, headers: dict[str, str]) -> HttpResponse:
    if method in ("GET", "HEAD", "OPTIONS"):
        return client.generic(method, url, **headers)
    if route.is_api:
        return client.generic(method, url, "{}", content_type="application/json", **headers)
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded", **headers)


def _in_savepoint(client: Client, case: Case, url: str, headers: dict[str, str], tables: list[int] | None):
    """The response, and whether the write counters over `tables` moved (None: not read), all rolled back.

    The client's cookies are put back afterwards too, so a sign-out or password change by one
    case does not sign the caller out for the next.
    """
    cookies = client.cookies
    client.cookies = type(cookies)()
    client.cookies.update(cookies)
    savepoint = transaction.savepoint()
    try:
        before = total(tables) if tables is not None else 0
        response = _request(client, case.route, case.method, url, headers)
        connection.set_schema_to_public()
        moved = None if tables is None else total(tables) != before
    finally:
        transaction.savepoint_rollback(savepoint)
        connection.set_schema_to_public()
        client.cookies = cookies
    return response, moved


def _what_a_denial_wrote(client: Client, case: Case, url: str, headers: dict[str, str]) -> list[str]:
    """Make the request again with per-table readings: what it wrote that `MAY_WRITE_ON_DENIAL` does not accept."""
    savepoint = transaction.savepoint()
    cookies = client.cookies
    try:
        tables_before, audit_since = per_table(), last_audit_id()
        _request(client, case.route, case.method, url, headers)
        connection.set_schema_to_public()
        return unaccepted(tables_before, per_table(), audit_since)
    finally:
        transaction.savepoint_rollback(savepoint)
        connection.set_schema_to_public()
        client.cookies = cookies


_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def _same_as_absent(client: Client, case: Case, url: str, response: HttpResponse, headers: dict[str, str]) -> bool:
    """For B's ids on A's host: whether the answer is the one for ids that exist nowhere (status and body).

    A view may answer before it looks anything up (a 400 for an empty body, the "Open the check"
    confirm page for a HEAD): indistinguishable from absent is what "not there" promises.
    """
    if case.who != table.STRANGER_IDS:
        return False
    nowhere = case.route.url(dict.fromkeys(case.route.kwargs, NOWHERE_ID))
    absent, _ = _in_savepoint(client, case, nowhere, headers, None)

    def body(r: HttpResponse, address: str) -> bytes:
        content = b"" if r.streaming else r.content
        return _CSRF_VALUE.sub(rb"\1-\2", content).replace(address.encode(), b"URL")

    return absent.status_code == response.status_code and body(absent, nowhere) == body(response, url)


def _run(
    tables: list[int], client: Client, case: Case, url: str, headers: dict[str, str], leak_marker: str | None
) -> str | None:
    """Make one request in a savepoint rolled back after it; the mismatch, or None when it is as expected.

    A denial's writes are summed over every table before and after; when the sum moved, the
    request is made again with per-table readings to name the tables (and audit actions) and
    judge them against `writes.MAY_WRITE_ON_DENIAL`.
    """
    check_writes = case.expect.writes_nothing
    response, moved = _in_savepoint(client, case, url, headers, tables if check_writes else None)
    problems = []
    if not case.expect.test(response) and not _same_as_absent(client, case, url, response, headers):
        where = f" -> {response['Location']}" if response.status_code in (301, 302) else ""
        problems.append(f"got {response.status_code}{where}")
    if moved:
        bad = _what_a_denial_wrote(client, case, url, headers)
        if bad:
            problems.append(f"wrote {', '.join(bad)}")
    if leak_marker and check_writes and not response.streaming and leak_marker.encode() in response.content:
        problems.append(f"the answer names {leak_marker!r}")
    if not problems:
        return None
    return f"{case.method} {url} as {case.who}: expected {case.expect}, " + "; ".join(problems)


def tenant_cases(route: Route, world: AttackWorld) -> list[Case]:
    """Every (method, caller) case for one tenant route, each with its expected answer from the table.

    Methods: those the route accepts and one it does not (`endpoints.allowed_methods`,
    `endpoints.refused_method`), for every caller. The schema view (0.7 s a call) is asked by the
    outsiders and one member only.
    """
    cases: list[Case] = []
    exempt = route.declared is None
    methods = (*allowed_methods(route), refused_method(route))
    for who in table.OUTSIDERS:
        for method in methods:
            expect = table.exempt_expectation(route, method, who) if exempt else table.OUTSIDER_TABLE[who][route.is_api]
            cases.append(Case(route, method, who, expect))
    if route.kwargs and not exempt:
        held = world.held[table.STRANGER_IDS]
        for method in methods:
            cases.append(Case(route, method, table.STRANGER_IDS, table.stranger_ids_expectation(route, method, held)))
    speaker_request = "<int:pk>" in route.path and route.path.startswith(("speakers/", "api/v1/speakers/"))
    members = [who for who in world.roles if who != table.STRANGER_IDS]
    if exempt and table.EXEMPT_ROUTES.get(route.name) == table.SCHEMA:
        members = [Role.PREVENT_LEAD]
    for who in members:
        roles = world.roles[who]
        # HEAD runs GET's code under GET's scope: asked by outsiders, B's ids and the password-only
        # caller here, and by every role in tests/review/test_head_options_matrix.py.
        single_role = not who.startswith(table.PASSWORD_ONLY)
        for method in [m for m in methods if not (single_role and m == "HEAD")]:
            if exempt:
                expect = table.exempt_expectation(route, method, who)
            else:
                visible = world.sees_event_request[who] if speaker_request else True
                expect = table.member_expectation(route, method, world.held[who], visible)
            if who.startswith(table.PASSWORD_ONLY):
                expect = table.second_factor_rule(route, method, roles) or expect
            cases.append(Case(route, method, who, expect))
    return cases


@pytest.mark.parametrize("route", TENANT, ids=str)
def test_every_caller_gets_what_the_table_says_on_every_tenant_endpoint(
    route: Route, attack_world: AttackWorld, db, record_property
) -> None:
    # given: B's objects and people, A's all-roles stranger, and the cases the table computes
    world = attack_world
    victim_name = world.victim.name
    cases = tenant_cases(route, world)
    tables = user_tables()

    # when: each case in its own savepoint
    wrong = []
    for case in cases:
        url = route.url(world.values(route.name, case.who))
        leak = victim_name if case.who in (table.STRANGER, table.STRANGER_TOKEN, table.ANONYMOUS) else None
        problem = _run(tables, world.clients[case.who], case, url, world.headers.get(case.who, {}), leak)
        if problem:
            wrong.append(problem)

    # then
    record_property(CASES_PROPERTY, len(cases))
    assert len(cases) >= 2 * (len(table.OUTSIDERS) + 1)
    assert not wrong, f"{len(wrong)} of {len(cases)} cases wrong on /{route.path}:\n" + "\n".join(wrong)


# --- The public site ------------------------------------------------------------------------


@pytest.fixture
def public_callers(db, org_a) -> dict[str, Client]:
    """Anonymous, and a signed-in member of B who is no platform operator, on the base domain."""
    person = UserFactory()
    from tenants import services

    services.membership_grant(actor=None, organisation=org_a, user=person, roles=list(Role.values))
    signed_in = Client(HTTP_HOST=host_of(None))
    signed_in.force_login(person)
    verify_second_factor(signed_in, person)
    return {table.ANONYMOUS: Client(HTTP_HOST=host_of(None)), "member": signed_in}


@pytest.mark.parametrize("route", PUBLIC, ids=str)
def test_every_caller_gets_what_the_table_says_on_every_public_endpoint(
    route: Route, public_callers, record_property
) -> None:
    assert route.name in table.PUBLIC_ROUTES, (
        f"/{route.path} ({route.name}) is new on the public site: classify it in "
        f"tests/security/expectations.py PUBLIC_ROUTES (one of OPEN, SIGNED_IN_ONLY, OPERATOR_ONLY, ...)"
    )
    url = route.url(table.PUBLIC_URL_VALUES)
    tables = user_tables()
    wrong, count = [], 0
    for who, client in public_callers.items():
        for method in OUTSIDER_METHODS:
            case = Case(route, method, who, table.public_expectation(route, method, who))
            problem = _run(tables, client, case, url, {}, None)
            count += 1
            if problem:
                wrong.append(problem)
    record_property(CASES_PROPERTY, count)
    assert not wrong, "\n".join(wrong)


# --- The enumerator itself -----------------------------------------------------------------------


def test_every_exempt_tenant_route_is_classified() -> None:
    unclassified = [
        f"/{r.path} ({r.name}): {r.exempt}" for r in TENANT if r.declared is None and r.name not in table.EXEMPT_ROUTES
    ]
    assert not unclassified, "classify in tests/security/expectations.py EXEMPT_ROUTES:\n" + "\n".join(unclassified)


def test_the_url_walk_and_the_openapi_schema_name_the_same_api_operations() -> None:
    # given: the API routes the URL walk found, and the operations drf-spectacular documents
    walked: dict[str, set[str]] = {}
    for route in TENANT:
        if route.is_api and route.declared is not None:
            walked.setdefault(route.openapi_path(), set()).update(m for m in allowed_methods(route) if m != "HEAD")
    documented = {path: set(methods) for path, methods in schema_operations().items()}

    # then: the same paths, and the same methods on each
    assert len(documented) >= MIN_API_PATHS, len(documented)
    missing_from_urls = sorted(set(documented) - set(walked))
    missing_from_schema = sorted(set(walked) - set(documented))
    assert not missing_from_urls, f"in the schema, not in the URL walk: {missing_from_urls}"
    assert not missing_from_schema, f"served, not in the schema: {missing_from_schema}"
    differ = {p: (sorted(walked[p]), sorted(documented[p])) for p in walked if walked[p] != documented[p]}
    assert not differ, f"methods differ (URL walk, schema): {differ}"
    assert public_schema_operations() == {}, "the public site documents API operations; attack them too"


def test_the_enumerator_finds_enough_to_attack(attack_world: AttackWorld, db) -> None:
    planned = sum(len(tenant_cases(route, attack_world)) for route in TENANT)
    api = sum(1 for r in TENANT if r.is_api)

    print(f"attack suite plan: {len(TENANT)} tenant routes ({api} API), {len(PUBLIC)} public, {planned} cases")
    assert len(TENANT) >= MIN_TENANT_ROUTES, len(TENANT)
    assert planned >= MIN_CASES, planned
