"""Run a hot, fixed SQL statement as a server-side prepared statement (psycopg 3).

Django's psycopg backend binds parameters on the client (`ClientCursor`), which cannot prepare.
`fetch_prepared` runs one statement through a server-binding psycopg cursor on the same
connection with `prepare=True`: PostgreSQL parses and plans it once per connection, and later
executions send only the statement name and the parameters.

Django opens its connections with psycopg's `prepare_threshold=None` (nothing is ever prepared,
for PgBouncer before 1.21). `fetch_prepared` sets the threshold of the connection it runs on to
`NEVER_BY_COUNT` instead, so only statements that ask (`prepare=True`) are prepared: Django's ORM
queries use client-side binding and never are. Set `HUB_PREPARED_STATEMENTS = False` behind a
pooler that cannot carry prepared statements; the statement then runs unprepared.

Prepared statements belong to a database connection, and psycopg tracks them on its connection
object: a new connection (CONN_MAX_AGE=0 closes one per request; a pool hands out any of its
connections) simply prepares again on first use, and psycopg forgets (and deallocates) them when
the connection rolls back, runs DISCARD ALL or DEALLOCATE ALL, so a stale name is never used.
Through PgBouncer in transaction mode this needs PgBouncer 1.21+ (`max_prepared_statements`).

The statement still goes through Django's `execute_wrappers`, error wrapping, broken-transaction
check and query log (so `CaptureQueriesContext` and `django_assert_num_queries` count it); the
log gets the SQL text only, never the parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorDebugWrapper

__all__ = ["fetch_prepared"]

# A count of executions no statement reaches: psycopg prepares only what asks with prepare=True.
NEVER_BY_COUNT = 2**31 - 1


def fetch_prepared(sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """Every row of `sql` (psycopg `%s` or `%(name)s` placeholders) run with `params` as a prepared statement.

    Runs on the default connection in the current transaction (if any); the statement must not
    depend on `search_path` (qualify its tables). Raises Django's `DatabaseError` family like any
    query. The result is a list of tuples.
    """
    prepare = getattr(settings, "HUB_PREPARED_STATEMENTS", True)
    with connection.cursor() as wrapper:
        pg = wrapper.cursor.connection
        if prepare and pg.prepare_threshold is None:
            pg.prepare_threshold = NEVER_BY_COUNT
        raw = psycopg.Cursor(pg)
        try:
            rows: list[tuple[Any, ...]] = wrapper._execute_with_wrappers(  # noqa: SLF001 (Django's hook chain)
                sql, params, many=False, executor=_executor(raw, prepare=bool(prepare))
            )
        finally:
            raw.close()
    return rows


def _executor(raw: psycopg.Cursor[Any], *, prepare: bool) -> Any:
    def execute(
        sql: str, params: Sequence[Any] | Mapping[str, Any], many: bool, context: dict[str, Any]
    ) -> list[tuple[Any, ...]]:
        db = context["connection"]
        db.validate_no_broken_transaction()
        with db.wrap_database_errors:
            if db.queries_logged:
                with CursorDebugWrapper(raw, db).debug_sql(sql, None):
                    raw.execute(sql, params, prepare=prepare)
            else:
                raw.execute(sql, params, prepare=prepare)
            return raw.fetchall()

    return execute
