"""The attack suite's shared world (built once per module) and the count of cases it ran.

Each test records how many (endpoint, method, caller) cases it ran as the user property
`attack_cases`; the terminal summary adds them up (across xdist workers too) and prints
"attack suite: N cases".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from tenants.models import Organisation
from tests.security.world import AttackWorld, build_world

CASES_PROPERTY = "attack_cases"


@pytest.fixture(scope="module")
def attack_world(django_db_setup: None, django_db_blocker, world) -> Iterator[AttackWorld]:
    """B = Alderley (counterpart Brackenford), A = the Northern HE Network.

    Built once for the module in a transaction rolled back after it.

    Each test's own `db` transaction nests inside this one (a savepoint), as Django's
    `TestCase.setUpTestData` does, so building the objects (≈20 s) is paid once, not per endpoint.
    """
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            get = Organisation.objects.get
            yield build_world(get(pk=world.alderley), get(pk=world.brackenford), get(pk=world.northern_network))
        finally:
            connection.set_schema_to_public()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001 (pytest hook)
    total, tests = 0, 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name == CASES_PROPERTY:
                    total += int(value)
                    tests += 1
    if tests:
        terminalreporter.write_line(f"attack suite: {total} cases in {tests} tests")
