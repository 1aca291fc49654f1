"""Schemathesis fuzzes every API operation from its own OpenAPI schema: no input gives a 5xx.

Each operation gets `HUB_FUZZ_EXAMPLES` generated requests (default 25: the suite's bounded run),
half valid by the schema and half invalid, half against rows that exist (a draft agreement, a
submitted request) and half against made-up ids, all with a real bearer token of a person holding
every role in Alderley University, on Alderley's host. Each response must not be a server error,
must have a status the schema documents for that operation, and must match the documented body
(the paged list, the record, or the one error shape). Writes happen inside the test's rolled-back
transaction.

The slow, exhaustive run (CI's separate step):

    HUB_FUZZ_EXAMPLES=500 DATABASE_URL=... python3 dev.py test tests/hub/test_api_fuzz.py -q -s
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from tenants import services as tenant_services
from tenants.models import Organisation, Role, User
from tests.agreements.conftest import Drafting
from tests.conftest import host_of
from tests.speakers.conftest import submit

EXAMPLES = int(os.environ.get("HUB_FUZZ_EXAMPLES", "25"))
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
COUNTS: Counter[str] = Counter()


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    # Like Django's test client: the request must not close the connection that holds the
    # test's transaction (close_old_connections would, since autocommit is off inside it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def everyone(org_a: Organisation, org_b: Organisation, member: Any) -> User:
    """A person holding every role in Alderley, so operations get past the rights checks."""
    return member(org_a, *Role.values)


@pytest.fixture
def known_ids(org_a: Organisation, org_b: Organisation, everyone: User, member: Any) -> dict[str, int]:
    """Ids of rows that exist, so fuzzed bodies reach validation and the services, not only 404."""
    from django_tenants.utils import tenant_context

    agreement = Drafting(member).draft([org_a, org_b])
    with tenant_context(org_a):
        event_request = submit(everyone, title="Rivers and cities")
    return {"agreement_id": agreement.pk, "id": event_request.pk, "check_id": 1, "request_id": 1, "mitigation_id": 1}


def _strategy(operation: Any, known_ids: dict[str, int]) -> st.SearchStrategy[Any]:
    names = [p.name for p in operation.path_parameters]
    fixed = {name: known_ids[name] for name in names if name in known_ids}
    strategies = [operation.as_strategy(mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    if fixed:
        strategies += [
            operation.as_strategy(mode, path_parameters=fixed)
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
    return st.one_of(strategies)


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_no_generated_request_to_any_operation_gives_a_server_error(
    operation: Any, org_a: Organisation, everyone: User, known_ids: dict[str, int], wsgi_app: WSGIHandler
) -> None:
    _, raw = tenant_services.api_token_create(actor=everyone, organisation=org_a, name="schemathesis")
    checks = [check for check in CHECKS.get_all() if check.__name__ in CHECK_NAMES]
    assert len(checks) == len(CHECK_NAMES)

    @given(case=_strategy(operation, known_ids))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        COUNTS[operation.label] += 1
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {raw}"}
        case.call_and_validate(base_url=f"http://{host_of(org_a)}", checks=checks, app=wsgi_app)

    run()
    print(f"{operation.label}: {COUNTS[operation.label]} cases")  # noqa: T201 (case counts for the report)
