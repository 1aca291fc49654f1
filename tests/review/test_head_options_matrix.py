"""Review: HEAD and OPTIONS never reach what GET is refused, and refused ones write nothing (review1).

Generated over every tenant URL pattern and every role, in the world of tests/hub/test_rights_matrix.py.
`scopes_for_method` lets OPTIONS through on 'org:read' alone when a page's declaration names
methods but no "*", and the page view then runs as if it were a GET.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.test import Client

from tests.conftest import host_of
from tests.factories import verify_second_factor
from tests.hub.test_rights_matrix import NON_MEMBER, ROLES, ROUTES, _build, _url, _writes


def test_head_and_options_are_refused_wherever_get_is_and_write_nothing(org_a, org_b, member) -> None:
    # given: the rights matrix's world (one single-role member per role, real objects behind every URL)
    world = _build(org_a, org_b, member)
    clients = {}
    for role, user in world.people.items():
        clients[role] = Client(HTTP_HOST=host_of(world.home))
        clients[role].force_login(user)
        verify_second_factor(clients[role], user)
    wrong, cells = [], 0

    # when: every route, every role: GET, then HEAD and OPTIONS, each rolled back
    for route in ROUTES:
        if route.is_api:  # DRF answers OPTIONS with metadata only, for any member, by design
            continue
        for role in ROLES:
            if role == NON_MEMBER:
                continue
            url = _url(world, route, role)
            savepoint = transaction.savepoint()
            try:
                refused = clients[role].get(url).status_code in (403, 404)
            finally:
                transaction.savepoint_rollback(savepoint)
                connection.set_schema_to_public()
            if not refused:
                continue
            for method in ("HEAD", "OPTIONS"):
                savepoint = transaction.savepoint()
                try:
                    before = _writes()
                    response = clients[role].generic(method, url)
                    connection.set_schema_to_public()
                    changed = _writes() != before
                finally:
                    transaction.savepoint_rollback(savepoint)
                    connection.set_schema_to_public()
                cells += 1
                if response.status_code not in (403, 404, 405) or changed:
                    wrong.append(
                        f"{method} /{route.path} as {role}: GET refused, got {response.status_code}, wrote={changed}"
                    )

    # then
    assert cells > 50, cells
    assert not wrong, f"{len(wrong)} of {cells} cells wrong:\n" + "\n".join(wrong)
