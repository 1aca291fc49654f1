"""A regression guard: how many SQL statements each search, share, page and API call runs.

Statement counts are stable where times are not (issue 14: "keep a regression guard in the normal
test suite that counts SQL statements per search, share, page and API call"). `EXPECTED` is the ONE
table: exact numbers, measured with `CaptureQueriesContext` on the second of two identical calls
(the first warms per-process caches: the blind-index key, content types, the session). A change
that adds or removes a statement fails here with the statements it ran; if the change is meant,
update the number in the table (and say why in the commit).

To re-measure every row after a deliberate change, run this file with
`HUB_STATEMENT_COUNTS_TO=/tmp/counts.txt`: each measurement appends a line `'name': count,` to
that file instead of comparing (paste them into `EXPECTED`).

List endpoints are measured with 1 row and with 20: the count must not grow with the rows (N+1).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.audit import audit_record
from sharing import services as sharing_services
from tenants import services as tenant_services
from tests.agreements.conftest import Drafting
from tests.conftest import host_of
from tests.sharing.conftest import FakeProjection

# name -> statements (every statement the database saw, SET search_path, SAVEPOINT and COMMIT included).
EXPECTED: dict[str, int] = {
    # The exchange (sharing.selectors.speaker_check_search, over the page and the API). A hit on an
    # organisation you cannot see must cost what a miss costs (the access issue).
    "exchange search (hit), page": 25,
    "exchange search (miss), page": 24,
    "exchange search (hidden hit), page": 24,
    "exchange search (hit), API": 17,
    "exchange search (miss), API": 16,
    "exchange search (hidden hit), API": 16,
    # sharing.services.check_share of one decided request naming one speaker (service layer, no HTTP).
    "check_share (one speaker)": 31,
    # Pages, as a signed-in member with the second factor passed (session, membership, scopes included).
    "dashboard page": 34,
    "agreements list page": 16,
    "register page (our shared checks)": 28,
    "referrals page": 15,
    "audit trail page": 17,
    # API lists with a bearer token: the same count for a few rows and for 20 more.
    "API GET exchange/shared/ (few rows)": 22,
    "API GET exchange/shared/ (20+ rows)": 22,
    "API GET agreements/ (few rows)": 12,
    "API GET agreements/ (20+ rows)": 12,
    "API GET audit/events/ (few rows)": 10,
    "API GET audit/events/ (20+ rows)": 10,
}

ASSESSED = "Amira El-Masri"
NEVER_ASSESSED = "Ciarán Mbeki-Lindqvist"

_MEASURED: set[str] = set()
RECORD_TO = os.environ.get("HUB_STATEMENT_COUNTS_TO", "")


def _measure(name: str, call: Callable[[], Any]) -> Any:
    """Run `call` twice (warm, then counted) and compare the second run's statements with `EXPECTED[name]`."""
    _MEASURED.add(name)
    call()
    connection.set_schema_to_public()
    with CaptureQueriesContext(connection) as captured:
        result = call()
    statements = [q["sql"] for q in captured.captured_queries]
    expected = EXPECTED.get(name)
    if RECORD_TO:  # re-measuring the table after a deliberate change: write, do not compare
        with open(RECORD_TO, "a", encoding="utf-8") as out:
            out.write(f"    {name!r}: {len(statements)},\n")
        return result
    listing = "\n".join(f"  {i:>3}. {sql[:300]}" for i, sql in enumerate(statements, 1))
    assert len(statements) == expected, (
        f"{name!r}: {len(statements)} statements, the table says {expected} "
        f"(tests/perf/test_statement_counts.py EXPECTED). They were:\n{listing}"
    )
    return result


def _ok(response: Any) -> Any:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response


def _api(organisation, user) -> Client:
    _, raw = tenant_services.api_token_create(actor=user, organisation=organisation, name="statement counts")
    return Client(HTTP_HOST=host_of(organisation), HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def drafting(member) -> Drafting:
    return Drafting(member)


@pytest.fixture
def network_ab(drafting, org_a, org_b):
    return drafting.active([org_a, org_b])


@pytest.fixture
def shared(org_a, network_ab):
    """One check shared by Alderley, readable by Brackenford under the agreement."""
    (check,) = sharing_services.check_share(actor=None, source=org_a, projection=FakeProjection(1, (ASSESSED,)))
    return check


# --- The exchange: search (hit, miss, a hit on an organisation you cannot see) and share --------------


def _search_page(client: Client, name: str) -> Callable[[], Any]:
    return lambda: _ok(client.post("/exchange/", {"name": name}))


def _search_api(client: Client, name: str) -> Callable[[], Any]:
    return lambda: _ok(client.post("/api/v1/exchange/search/", {"name": name}, content_type="application/json"))


def test_an_exchange_search_runs_the_statements_in_the_table(shared, org_b, member, client_on):
    lead = member(org_b, "prevent_lead")
    page, api = client_on(org_b, lead), _api(org_b, lead)

    hit = _measure("exchange search (hit), page", _search_page(page, ASSESSED))
    _measure("exchange search (miss), page", _search_page(page, NEVER_ASSESSED))
    found = _measure("exchange search (hit), API", _search_api(api, ASSESSED))
    _measure("exchange search (miss), API", _search_api(api, NEVER_ASSESSED))

    assert "Alderley University" in hit.content.decode()
    assert len(found.json()["results"]) == 1


def test_a_hit_on_an_organisation_you_cannot_see_runs_the_statements_in_the_table(shared, partner, member, client_on):
    lead = member(partner, "prevent_lead")
    page, api = client_on(partner, lead), _api(partner, lead)

    hidden = _measure("exchange search (hidden hit), page", _search_page(page, ASSESSED))
    found = _measure("exchange search (hidden hit), API", _search_api(api, ASSESSED))

    assert "Alderley University" not in hidden.content.decode()
    assert found.json()["results"] == []


def test_sharing_one_check_runs_the_statements_in_the_table(org_a, network_ab):
    request_ids = iter(range(100, 110))

    def share() -> list[Any]:
        return sharing_services.check_share(
            actor=None, source=org_a, projection=FakeProjection(next(request_ids), ("Tomasz Okonkwo-Reyes",))
        )

    (check,) = _measure("check_share (one speaker)", share)

    assert check.source_id == org_a.pk


# --- Pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path", "roles"),
    [
        ("dashboard page", "/", ("prevent_lead",)),
        ("agreements list page", "/agreements/", ("prevent_lead",)),
        ("register page (our shared checks)", "/exchange/shared/", ("prevent_lead",)),
        ("referrals page", "/referrals/", ("prevent_lead",)),
        ("audit trail page", "/audit/", ("auditor",)),
    ],
)
def test_a_page_runs_the_statements_in_the_table(name, path, roles, shared, org_a, member, client_on):
    client = client_on(org_a, member(org_a, *roles))

    _measure(name, lambda: _ok(client.get(path)))


# --- API lists: the count must not grow with the rows (N+1) ------------------------------------------


def _more_shared_checks(org_a, n: int) -> None:
    for i in range(n):
        sharing_services.check_share(actor=None, source=org_a, projection=FakeProjection(200 + i, (f"Speaker {i}",)))


def _more_agreements(org_a, org_b, drafting, n: int) -> None:
    for _ in range(n):
        drafting.draft([org_a, org_b])


def _more_audit_events(org_a, n: int) -> None:
    for i in range(n):
        audit_record(action="test.row", organisation_id=org_a.pk, target_type="test", target_id=i)


@pytest.mark.parametrize(
    ("name", "path", "roles", "count_rows", "add_rows"),
    [
        (
            "API GET exchange/shared/",
            "/api/v1/exchange/shared/",
            ("prevent_lead",),
            lambda page: len(page["results"]),
            # This guard found one `SELECT … FROM tenants_organisation` per row here (32 statements
            # with 1 row, 51 with 20); `shared_checks_of` now joins the source.
            lambda org_a, org_b, drafting: _more_shared_checks(org_a, 19),
        ),
        (
            "API GET agreements/",
            "/api/v1/agreements/",
            ("prevent_lead",),
            lambda page: len(page["results"]),
            lambda org_a, org_b, drafting: _more_agreements(org_a, org_b, drafting, 19),
        ),
        (
            "API GET audit/events/",
            "/api/v1/audit/events/",
            ("auditor",),
            lambda page: len(page["results"]),
            lambda org_a, org_b, drafting: _more_audit_events(org_a, 20),
        ),
    ],
)
def test_an_api_list_runs_the_same_statements_for_1_row_and_for_20(
    name, path, roles, count_rows, add_rows, shared, org_a, org_b, drafting, member
):
    # given: one row of the list (the shared check, the agreement, or at least one event)
    client = _api(org_a, member(org_a, *roles))
    few = _measure(f"{name} (few rows)", lambda: _ok(client.get(path)))

    # when: 19 or 20 more
    add_rows(org_a, org_b, drafting)
    many = _measure(f"{name} (20+ rows)", lambda: _ok(client.get(path)))

    # then
    assert count_rows(few.json()) < 20 <= count_rows(many.json())
    assert EXPECTED[f"{name} (few rows)"] == EXPECTED[f"{name} (20+ rows)"], f"{name}: the count grows with rows"


def test_every_row_of_the_table_is_measured_by_a_test_here() -> None:
    names = {
        "exchange search (hit), page",
        "exchange search (miss), page",
        "exchange search (hit), API",
        "exchange search (miss), API",
        "exchange search (hidden hit), page",
        "exchange search (hidden hit), API",
        "check_share (one speaker)",
        "dashboard page",
        "agreements list page",
        "register page (our shared checks)",
        "referrals page",
        "audit trail page",
        *(f"API GET {p} ({rows})" for p in ("exchange/shared/", "agreements/", "audit/events/")
          for rows in ("few rows", "20+ rows")),
    }  # fmt: skip

    assert set(EXPECTED) == names
