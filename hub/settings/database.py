"""The database: DATABASE_URL when set, otherwise an embedded PostgreSQL in the data folder.

Connections come from a per-process pool (Django 5.2's psycopg pool) unless `HUB_DB_POOL=0`:

* `HUB_DB_POOL` (default on): `0`/`off` opens a new connection per request instead (the
  previous behaviour; use it behind PgBouncer in *session* mode if you want one pool per host).
* `HUB_DB_POOL_MIN` (default 1) connections kept open per process; `HUB_DB_POOL_MAX` (default 8)
  at most per process. Every server process (each web worker, the background worker, each
  management command) has its own pool: keep (processes × `HUB_DB_POOL_MAX`) under the
  server's `max_connections` (100 by default) with room for migrations and psql.
  `dev.py serve` lowers the per-worker maximum to fit (`pool_max_for`).
* `HUB_DB_POOL_TIMEOUT` (default 10) seconds a request waits for a free connection before it
  fails (psycopg_pool.PoolTimeout, a 500), instead of piling more connections on the server.
* `HUB_DB_POOL_MAX_IDLE` (default 300) seconds before an idle connection above the minimum closes.

django-tenants issues `SET search_path` on the first cursor after a connection is taken from
the pool (its per-connection cache is cleared by `close()`, which returns the connection), and
the pool's `reset` (RESET_STATEMENTS) puts the session back as new when a connection
comes back, so nothing that reaches a pooled connection without Django's cursor sees the last
borrower's organisation. tests/hub/test_pooling.py interleaves organisations on one connection.
"""

import os
from typing import Any

import dj_database_url

from hub.embedded_db import embedded_database_settings
from hub.settings.env import env_str

POOL_MIN_DEFAULT = 1
POOL_MAX_DEFAULT = 8
_fork_hook_registered: list[bool] = []


def _env_int(name: str, default: int) -> int:
    value = env_str(name).strip()
    return int(value) if value else default


def pool_enabled() -> bool:
    """Whether HUB_DB_POOL asks for the pool (default yes)."""
    return env_str("HUB_DB_POOL", "1").strip().lower() not in {"0", "false", "no", "off"}


# What a returned connection runs before anyone else may borrow it: everything `DISCARD ALL` does
# (PgBouncer's server_reset_query) except DEALLOCATE ALL, so the hub's own prepared statements
# (core.prepared) stay planned. In this order: the timeout first (a borrower's 1 ms
# statement_timeout would abort the rest), then the role, so the rest runs as the hub's own role.
RESET_STATEMENTS = (
    "RESET statement_timeout",
    "SET SESSION AUTHORIZATION DEFAULT",  # undoes SET ROLE and SET SESSION AUTHORIZATION
    "RESET ALL",  # search_path, lock/idle timeouts, custom settings such as hub.audit_maintenance
    "CLOSE ALL",
    "UNLISTEN *",
    "SELECT pg_advisory_unlock_all()",
    "DISCARD TEMP",
    "DISCARD SEQUENCES",
)


def reset_search_path(connection: Any) -> None:
    """psycopg_pool `reset` hook: a returned connection goes back to the session state of a new one.

    Puts back the server's default search_path (so no organisation's schema reaches the next
    borrower) and drops every other session-level thing a borrower may have left: SET ROLE, any
    SET (session-wide custom settings included), cursors, LISTENs, session advisory locks, temp
    tables (RESET_STATEMENTS). Prepared statements are kept: they are the hub's own fixed SQL and
    psycopg tracks them per connection. Runs in the pool's worker thread, on an idle connection
    (the pool has rolled back any open transaction first). Raises nothing the pool does not
    handle: on error it discards the connection.
    """
    from psycopg.pq import TransactionStatus

    autocommit = connection.autocommit
    if connection.info.transaction_status != TransactionStatus.IDLE:
        connection.rollback()
    connection.autocommit = True  # DISCARD TEMP and SET SESSION AUTHORIZATION outside a transaction
    try:
        connection.execute(RESET_STATEMENTS[0])  # alone: the rest must not run under a borrower's timeout
        connection.execute("; ".join(RESET_STATEMENTS[1:]))  # one round trip (no parameters: simple protocol)
    finally:
        connection.autocommit = autocommit


def pool_options() -> dict[str, Any]:
    """The `OPTIONS["pool"]` dict for Django's PostgreSQL backend (psycopg_pool.ConnectionPool kwargs).

    Sizes in connections per process, times in seconds, from the HUB_DB_POOL_* variables.
    Raises ValueError when a variable is not an integer or min > max.
    """
    low = _env_int("HUB_DB_POOL_MIN", POOL_MIN_DEFAULT)
    high = _env_int("HUB_DB_POOL_MAX", POOL_MAX_DEFAULT)
    if not 0 <= low <= high or high < 1:
        raise ValueError(f"HUB_DB_POOL_MIN={low} and HUB_DB_POOL_MAX={high}: need 0 <= min <= max, max >= 1")
    return {
        "min_size": low,
        "max_size": high,
        "timeout": _env_int("HUB_DB_POOL_TIMEOUT", 10),
        "max_idle": _env_int("HUB_DB_POOL_MAX_IDLE", 300),
        "reset": reset_search_path,
        "name": "hub",
    }


def close_pools_before_fork() -> None:
    """`os.register_at_fork(before=...)` hook: close this process's connection pools before it forks.

    A forked child (django-tenants' `--executor=multiprocessing` migrations fork workers) would
    otherwise inherit the pool with the parent's idle connections, and parent and children would
    talk over the same sockets. Connections the parent has checked out are not touched (Django's
    wrapper must be closed before forking, as that executor does); the next query opens a new pool.
    """
    from django.db.backends.postgresql.base import DatabaseWrapper

    for alias, pool in list(DatabaseWrapper._connection_pools.items()):
        pool.close()
        DatabaseWrapper._connection_pools.pop(alias, None)


PRODUCTION_SETTINGS = "hub.settings.production"


def database_settings() -> dict[str, Any]:
    """DATABASES["default"] from DATABASE_URL, or the embedded PostgreSQL in development and tests.

    Raises ImproperlyConfigured under the production settings when DATABASE_URL is unset: a
    production hub never starts a private database in its data folder (deploy/README.md).
    """
    url = env_str("DATABASE_URL")
    if not url and os.environ.get("DJANGO_SETTINGS_MODULE") == PRODUCTION_SETTINGS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DATABASE_URL is not set. The production settings need it "
            "(postgresql://USER:PASSWORD@HOST:5432/NAME); they never start the embedded database."
        )
    config: dict[str, Any] = dj_database_url.parse(url) if url else embedded_database_settings()
    # Never a persistent connection per thread: under ASGI each request's sync code may run on a
    # new thread, and a connection left on a finished thread is never reused (it leaked until the
    # server refused clients). With the pool, closing at the end of a request returns the
    # connection to the pool instead; without it, it closes the connection.
    config["CONN_MAX_AGE"] = 0
    if pool_enabled():
        config.setdefault("OPTIONS", {})["pool"] = pool_options()
        # The pool checks a connection before lending it (psycopg's check_connection, one empty round
        # trip), so after a database restart no request gets a dead pooled connection: the hub
        # recovers without a restart (tests/faults/test_postgres_restart.py, pooled case).
        config["CONN_HEALTH_CHECKS"] = True
        if not _fork_hook_registered:
            os.register_at_fork(before=close_pools_before_fork)
            _fork_hook_registered.append(True)
    # django-tenants needs its own backend; it wraps Django's PostgreSQL backend.
    config["ENGINE"] = "django_tenants.postgresql_backend"
    config.setdefault("TEST", {})
    if env_str("HUB_TEST_DATABASE_NAME"):
        config["TEST"]["NAME"] = env_str("HUB_TEST_DATABASE_NAME")
    return config
