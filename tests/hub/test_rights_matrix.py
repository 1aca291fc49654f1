"""Role × page/endpoint matrix, generated from the tenant URL configuration and `tenants.scopes`.

Every URL pattern an organisation's host serves must declare the scope each method needs (a page
through `@scope_required`, an API view through `required_scopes`); a new endpoint without one
fails `test_every_tenant_url_declares_its_scopes`. Then, for every declared (pattern, method) and
every role (one single-role member each, plus a member of another organisation), the request is
made with real objects in the URL and the answer is compared with what the scope table (and, for
one speaker request, the speakers' rights module) says:

* a role holding a declared scope gets neither 403 nor 404;
* a role without it gets 403 and *nothing changed*: no row of any table, in the public schema
  (the exchange, agreements, the audit log, people) or any organisation's schema, was inserted,
  updated or deleted by the request (PostgreSQL's per-transaction write statistics);
* a non-member gets 404 (an organisation's pages look absent to strangers).

No cell is listed by hand: add a role, a scope or an endpoint and the cells follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import tenant_context

from sharing import services as sharing_services
from sharing.models import SharedCheck
from speakers import selectors as speaker_selectors
from speakers import services as speaker_services
from speakers.models import RequestMitigation
from tenants import services as tenant_services
from tenants.models import Membership, Organisation, Role
from tenants.scopes import allows, declared_scopes, scopes_for_method, scopes_of
from tests.agreements.conftest import Drafting
from tests.conftest import host_of
from tests.factories import verify_second_factor
from tests.figures.matrix_objects import figures_objects
from tests.library.matrix_objects import library_objects
from tests.networks.matrix_objects import networks_objects
from tests.notifications.matrix_objects import notifications_objects
from tests.partners.matrix_objects import partner_objects
from tests.referrals.matrix import referrals_matrix_kwargs
from tests.returns.matrix_objects import returns_objects
from tests.risks.matrix_objects import risks_objects
from tests.sharing.conftest import FakeProjection
from tests.speakers.conftest import assess, submit
from tests.training.matrix_objects import training_objects
from tests.welfare.matrix import welfare_matrix_kwargs

TENANT_URLCONF = "hub.urls_tenant"
NON_MEMBER = "non_member"
ROLES = [*Role.values, NON_MEMBER]


@dataclass(frozen=True)
class Route:
    path: str  # "exchange/shared/<int:check_id>/"
    name: str  # "sharing:shared_detail"
    callback: object

    @property
    def is_api(self) -> bool:
        return self.path.startswith("api/")


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), f"{namespace}{entry.name or entry.pattern}", entry.callback)


ROUTES = list(_walk(get_resolver(TENANT_URLCONF).url_patterns))


def _methods(route: Route) -> list[str]:
    declared = declared_scopes(route.callback) or {}
    methods = sorted(m for m in declared if m != "*")
    return methods if "*" not in declared else sorted({*methods, "GET", "POST"})


@pytest.mark.parametrize("route", ROUTES, ids=[r.path for r in ROUTES])
def test_every_tenant_url_declares_its_scopes(route: Route) -> None:
    exempt = getattr(route.callback, "scope_exempt", None)
    declared = declared_scopes(route.callback)

    assert declared is not None or exempt, f"{route.path} ({route.name}) declares no scope: decorate it"
    view_class = getattr(route.callback, "cls", None)
    if declared is not None and view_class is not None:
        implemented = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)} - {"OPTIONS"}
        assert implemented <= set(declared), f"{route.path}: {implemented - set(declared)} implemented, undeclared"


# --- The world the matrix runs in --------------------------------------------------------------


@dataclass
class MatrixWorld:
    home: Organisation
    people: dict[str, object]  # role -> User (single-role member of home; NON_MEMBER: member elsewhere)
    tokens: dict[str, int]  # role -> id of that person's own API token
    kwargs: dict[str, int]  # URL kwarg -> object id
    per_route: dict[str, dict[str, int]]  # route name -> kwargs that differ for it
    event_request_pk: int


def _build(org_a: Organisation, org_b: Organisation, member) -> MatrixWorld:
    people = {role: member(org_a, role) for role in Role.values}
    people[NON_MEMBER] = member(org_b, Role.PREVENT_LEAD)
    tokens = {
        role: tenant_services.api_token_create(actor=user, organisation=org_a, name="matrix")[0].pk
        for role, user in people.items()
        if role != NON_MEMBER
    }
    tokens[NON_MEMBER] = tokens[Role.PREVENT_LEAD]
    agreement = Drafting(member).active([org_a, org_b])
    (ours,) = sharing_services.check_share(actor=None, source=org_a, projection=FakeProjection(41, ("Dr Oren Achebe",)))
    (theirs,) = sharing_services.check_share(
        actor=None, source=org_b, projection=FakeProjection(42, ("Prof Lucía Nakamura",))
    )
    asked = sharing_services.detail_request_create(
        actor=member(org_b, Role.PREVENT_LEAD), organisation=org_b, check=ours, reason="Deciding a similar event."
    )
    with tenant_context(org_a):
        # The organiser role's person wrote it; the senior role's person has it escalated to them.
        event_request = submit(people[Role.ORGANISER], title="Faith and the city: a public debate")
        assess(people[Role.REVIEWER], event_request, risk_level="high", mitigations=("Independent chair",))
        speaker_services.event_request_escalate(
            actor=people[Role.REVIEWER],
            event_request=event_request,
            decision_maker=people[Role.SENIOR_DECISION_MAKER],
            note="High risk: the senior decision-maker decides.",
        )
        request_mitigation = RequestMitigation.objects.filter(request=event_request).first()
        catalogue_entry = speaker_selectors.mitigation_catalogue().first()
    other = Membership.objects.get(user=people[Role.COORDINATOR], organisation=org_a)
    network_kwargs = networks_objects(org_a, member)
    return MatrixWorld(
        home=org_a,
        people=people,
        tokens=tokens,
        kwargs={
            "check_id": ours.pk,
            "request_id": asked.pk,
            "pk": event_request.pk,
            "mitigation_id": request_mitigation.pk,
            "membership_id": other.pk,
            "agreement_id": agreement.pk,
            "number": 1,
            **(welfare := welfare_matrix_kwargs(org_a, people)),
            **referrals_matrix_kwargs(org_a, people, welfare["case_id"], org_b),
            **partner_objects(org_a, member),
            **risks_objects(org_a, member),
            **returns_objects(org_a, member),
            **figures_objects(org_a, member),
            **training_objects(org_a, member),
            **library_objects(org_a, member),
            **notifications_objects(org_a, member),
        },
        per_route={
            # networks' URLs reuse welfare's kwarg names (`meeting_id`, `action_id`) for other objects
            **{r.name: network_kwargs for r in ROUTES if r.path.startswith(("network/", "api/v1/network/"))},
            # Pages about a check another organisation shared with us, not one of ours.
            "sharing:check": {"check_id": theirs.pk},
            "api_exchange_check": {"check_id": theirs.pk},
            "api_exchange_detail_request": {"check_id": theirs.pk},
            # The catalogue entry, not the request's copy of it.
            "speakers:mitigation_toggle": {"mitigation_id": catalogue_entry.pk},
        },
        event_request_pk=event_request.pk,
    )


def _url(world: MatrixWorld, route: Route, role: str) -> str:
    values = {**world.kwargs, **world.per_route.get(route.name, {}), "token_id": world.tokens[role]}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route.path)


def _tables() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_catalog.pg_tables "
            "WHERE schemaname = 'public' OR schemaname LIKE 'org\\_%%' ORDER BY 1, 2"
        )
        return cursor.fetchall()


def _table_counts(tables: list[tuple[str, str]] | None = None) -> dict[str, int]:
    """Rows in every table of the public schema and of every organisation's schema."""
    tables = tables or _tables()
    selects = ", ".join(f'(SELECT count(*) FROM "{s}"."{t}")' for s, t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")  # noqa: S608 (names from the catalogue)
        return {f"{s}.{t}": n for (s, t), n in zip(tables, cursor.fetchone(), strict=True)}


def _writes() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table (any schema).

    PostgreSQL's per-transaction statistics count every write, even one rolled back to a savepoint,
    so a denied request that wrote and then undid something still shows. Stronger than row counts
    (an update or an insert-and-delete changes no count) and one query instead of one per table.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del "
            "FROM pg_catalog.pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return dict(cursor.fetchall())


def _request(client: Client, route: Route, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if route.is_api:
        return client.generic(method, url, "{}", content_type="application/json")
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


def _expected(world: MatrixWorld, route: Route, method: str, role: str) -> str:
    """'allowed', 'denied' (403) or 'absent' (404), from the scope table and the speakers' rights."""
    if role == NON_MEMBER:
        return "absent"
    needed = scopes_for_method(declared_scopes(route.callback), method)
    with tenant_context(world.home):
        membership = Membership.objects.get(user=world.people[role], organisation=world.home)
        if needed is None or not allows(scopes_of(membership), needed):
            return "denied"
        if "<int:pk>" in route.path and route.path.startswith(("speakers/", "api/v1/speakers/")):
            # Beyond the scope, a request is the person's to see only through their assignment or role.
            visible = speaker_selectors.event_requests_visible_to(membership).filter(pk=world.event_request_pk)
            if not visible.exists():
                return "absent"
    return "allowed"


def _cell_ok(expected: str, status: int, changed: bool) -> bool:
    if expected == "allowed":
        return status not in (403, 404)
    if expected == "absent":  # 405: a POST-only page refuses a GET before it looks anything up
        return status in (404, 405) and not changed
    return status == 403 and not changed


def _the_write_detector_sees_a_write(world: MatrixWorld, client: Client) -> None:
    savepoint = transaction.savepoint()
    try:
        before = _writes()
        revoked = client.post(f"/api-tokens/{world.tokens[Role.PREVENT_LEAD]}/revoke/")
        connection.set_schema_to_public()
        assert revoked.status_code == 302 and _writes() != before
    finally:
        transaction.savepoint_rollback(savepoint)
        connection.set_schema_to_public()


def test_every_role_gets_exactly_what_its_scopes_allow_on_every_tenant_url(org_a, org_b, member) -> None:
    # given: one person per role in A, a stranger from B, and a real object behind every URL kwarg
    world = _build(org_a, org_b, member)
    clients = {}
    for role, user in world.people.items():
        clients[role] = Client(HTTP_HOST=host_of(world.home))
        clients[role].force_login(user)
        verify_second_factor(clients[role], user)
    routes = [r for r in ROUTES if declared_scopes(r.callback) is not None]
    wrong, cells = [], 0
    _the_write_detector_sees_a_write(world, clients[Role.PREVENT_LEAD])

    # when: every declared method of every route, by every role, each in a savepoint rolled back after
    for route in routes:
        for method in _methods(route):
            for role in ROLES:
                expected = _expected(world, route, method, role)
                savepoint = transaction.savepoint()
                try:
                    before = _writes() if expected != "allowed" else None
                    response = _request(clients[role], route, method, _url(world, route, role))
                    connection.set_schema_to_public()
                    changed = expected != "allowed" and _writes() != before
                finally:
                    transaction.savepoint_rollback(savepoint)
                    connection.set_schema_to_public()
                cells += 1
                if not _cell_ok(expected, response.status_code, changed):
                    wrong.append(f"{method} /{route.path} as {role}: expected {expected}, got {response.status_code}")

    # then
    assert cells > 500, cells
    assert not wrong, f"{len(wrong)} of {cells} cells wrong:\n" + "\n".join(wrong)


# --- Issue 8, section 2, first failing case, by name ---------------------------------------------


@pytest.fixture
def our_check(org_a, org_b, member) -> SharedCheck:
    Drafting(member).active([org_a, org_b])
    (check,) = sharing_services.check_share(
        actor=None, source=org_a, projection=FakeProjection(7, ("Dr Siobhan Oyelaran",))
    )
    return check


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.SAFEGUARDING_OFFICER])
def test_organisers_and_safeguarding_officers_cannot_read_our_shared_checks_their_readers_or_detail_requests(
    our_check, org_a, member, client_on, role
):
    # given
    client = client_on(org_a, member(org_a, role))
    before = _table_counts()

    # when
    page = client.get(f"/exchange/shared/{our_check.pk}/")
    listing = client.get("/api/v1/exchange/shared/")
    openings = client.get(f"/api/v1/exchange/shared/{our_check.pk}/openings/")
    requests_page = client.get("/exchange/requests/")
    connection.set_schema_to_public()

    # then: refused, the rationale never rendered, and nothing written
    assert [r.status_code for r in (page, listing, openings, requests_page)] == [403, 403, 403, 403]
    assert "an independent chair keeps the" not in page.content.decode()
    assert "exchange:read_shared" in page.content.decode()
    assert _table_counts() == before


def test_the_prevent_lead_still_reads_the_shared_check_its_readers_and_detail_requests(
    our_check, org_a, member, client_on
):
    client = client_on(org_a, member(org_a, Role.PREVENT_LEAD))

    page = client.get(f"/exchange/shared/{our_check.pk}/")
    listing = client.get("/api/v1/exchange/shared/")
    openings = client.get(f"/api/v1/exchange/shared/{our_check.pk}/openings/")
    requests_page = client.get("/exchange/requests/")

    assert [r.status_code for r in (page, listing, openings, requests_page)] == [200, 200, 200, 200]
    assert "an independent chair keeps the" in page.content.decode()
    assert [row["id"] for row in listing.json()["results"]] == [our_check.pk]
