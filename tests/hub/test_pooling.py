"""Pooled connections never carry one organisation's search_path into another's request.

The pool here has ONE connection (min = max = 1), so every request, thread and context below
is served by the same PostgreSQL session, one after another. Each organisation's schema holds
a `pool_probe` table with its own slug in it, read unqualified: a request that ran with the
wrong search_path would read the other organisation's row (or fail on public, which has none).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.test import override_settings
from django.urls import path
from django_tenants.utils import tenant_context

from hub.settings.database import reset_search_path
from tenants.models import Organisation
from tests.conftest import World, host_of

ROUNDS = 30


def probe(request: HttpRequest) -> JsonResponse:
    """What this request's connection sees: the probe rows, search_path and backend pid."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT label FROM pool_probe ORDER BY label")
        labels = [row[0] for row in cursor.fetchall()]
        cursor.execute("SHOW search_path")
        search_path = cursor.fetchone()[0]
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return JsonResponse({"labels": labels, "search_path": search_path, "pid": pid})


def probe_then_fail(request: HttpRequest) -> JsonResponse:
    """Reads inside a transaction, then fails: the rollback undoes a SET made in it (a 500)."""
    with transaction.atomic():
        probe(request)
        raise RuntimeError("probe failure after reading (expected by the test)")


# Under /api/ so the membership gate lets the probe through without a session.
urlpatterns = [path("api/pool-probe/", probe), path("api/pool-probe-fail/", probe_then_fail)]


@pytest.fixture
def two_organisations(committing_db: None, world: World) -> Iterator[list[Organisation]]:
    """Two of the world's organisations, each schema with a committed `pool_probe` table holding its slug."""
    organisations = [Organisation.objects.get(pk=pk) for pk in (world.alderley, world.brackenford)]
    with connection.cursor() as cursor:
        for org in organisations:
            cursor.execute(f'CREATE TABLE "{org.schema_name}".pool_probe (label text)')
            cursor.execute(f'INSERT INTO "{org.schema_name}".pool_probe VALUES (%s)', [org.slug])
    try:
        yield organisations
    finally:
        connection.close()
        with connection.cursor() as cursor:
            for org in organisations:
                cursor.execute(f'DROP TABLE IF EXISTS "{org.schema_name}".pool_probe')


@pytest.fixture
def one_pooled_connection(two_organisations: list[Organisation]) -> Iterator[Any]:
    """Switch `default` onto a pool of exactly one connection (the settings' reset hook); yields the pool."""
    options = connection.settings_dict["OPTIONS"]  # shared by every thread's DatabaseWrapper
    before = options.get("pool")
    connection.close()
    options["pool"] = {"min_size": 1, "max_size": 1, "timeout": 10, "reset": reset_search_path, "name": "test"}
    pool = connection.pool
    pool.open(wait=True)
    try:
        yield pool
    finally:
        connection.close()
        connection.close_pool()
        if before is None:
            options.pop("pool", None)
        else:
            options["pool"] = before


def _in_new_thread(work: Callable[[], Any]) -> Any:
    """Run `work` on a fresh thread (its own DatabaseWrapper, as a server thread has) and return its result."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as error:  # noqa: BLE001 (handed back to the test)
            box["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in box:
        raise box["error"]
    return box["result"]


def _expected_path(org: Organisation) -> str:
    return f"{org.schema_name}, public"


def _sync_read(org: Organisation | None) -> dict[str, Any]:
    if org is None:  # public: a request on the platform's host
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            search_path = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'pool_probe' "
                           "AND table_schema = ANY(current_schemas(false))")  # fmt: skip
            visible = cursor.fetchone()[0]
            cursor.execute("SELECT pg_backend_pid()")
            return {"search_path": search_path, "labels": [] if not visible else ["LEAK"], "pid": cursor.fetchone()[0]}
    with tenant_context(org):
        with connection.cursor() as cursor:
            cursor.execute("SELECT label FROM pool_probe")
            labels = [row[0] for row in cursor.fetchall()]
            cursor.execute("SHOW search_path")
            search_path = cursor.fetchone()[0]
            cursor.execute("SELECT pg_backend_pid()")
            return {"labels": labels, "search_path": search_path, "pid": cursor.fetchone()[0]}


def test_sync_code_alternating_organisations_on_one_pooled_connection_sees_only_its_own(
    one_pooled_connection: Any, two_organisations: list[Organisation]
) -> None:
    # given: one pooled connection, two organisations and the public schema
    org_a, org_b = two_organisations
    pids = set()

    # when: each round borrows it on a new thread (a new DatabaseWrapper, as each request has) for A,
    # then for the public schema, then for B, and on this thread inside a transaction that fails
    for _ in range(ROUNDS):
        for org in (org_a, None, org_b):
            seen = _in_new_thread(lambda org=org: _sync_read(org))
            # then: its own schema's rows and search_path, nothing of the previous borrower's
            if org is None:
                assert seen["search_path"] == "public"
                assert seen["labels"] == []
            else:
                assert seen["labels"] == [org.slug]
                assert seen["search_path"] == _expected_path(org)
            pids.add(seen["pid"])
        with pytest.raises(RuntimeError), transaction.atomic(), tenant_context(org_a):
            assert _sync_read(org_a)["labels"] == [org_a.slug]
            raise RuntimeError("rolled back")
        connection.close()  # back to the pool, as at the end of a request
        assert _in_new_thread(lambda: _sync_read(org_b))["labels"] == [org_b.slug]

    assert len(pids) == 1, "every borrower used the same pooled connection"
    stats = one_pooled_connection.get_stats()
    assert stats["connections_num"] == 1
    assert stats["requests_num"] >= 4 * ROUNDS


def test_a_returned_connection_is_back_on_the_default_search_path(
    one_pooled_connection: Any, two_organisations: list[Organisation]
) -> None:
    # given: the one connection was last used for organisation A, then returned
    org_a, _ = two_organisations
    assert _in_new_thread(lambda: _sync_read(org_a))["labels"] == [org_a.slug]

    # when: something takes it straight from the pool, without Django's cursor (which would SET it)
    with one_pooled_connection.connection() as raw:
        search_path = raw.execute("SHOW search_path").fetchone()[0]

    # then: the reset hook put the server's default back: A's schema is not on it
    assert search_path == '"$user", public'


async def _asgi_get(app: Any, host: str, url: str) -> tuple[int, dict[str, Any] | None]:
    """One GET through the ASGI application as uvicorn would call it; (status, JSON body or None)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", host.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent_request = False
    never = asyncio.Event()
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays connected; Django stops listening after the response
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return status, (json.loads(body) if status == 200 else None)


@override_settings(ROOT_URLCONF="tests.hub.test_pooling")
def test_asgi_requests_on_two_hosts_alternately_and_at_once_share_one_connection_and_never_leak(
    one_pooled_connection: Any, two_organisations: list[Organisation]
) -> None:
    from hub.asgi import application

    org_a, org_b = two_organisations
    hosts = {host_of(org): org for org in (org_a, org_b)}
    # Nothing on this thread holds the one connection while the server thread runs.
    connection.close()

    async def serve() -> list[tuple[Organisation, int, dict[str, Any] | None]]:
        results = []
        # one after another, alternating hosts, with a request failing in a transaction between
        for n in range(ROUNDS):
            for host, org in hosts.items():
                results.append((org, *await _asgi_get(application, host, "/api/pool-probe/")))
            if n % 5 == 0:
                status, _ = await _asgi_get(application, host_of(org_a), "/api/pool-probe-fail/")
                assert status == 500
        # and many at once, both hosts interleaved, queueing for the one connection; each request a task
        # in a fresh context, as uvicorn starts them
        loop = asyncio.get_running_loop()
        batch = [
            (org, loop.create_task(_asgi_get(application, host, "/api/pool-probe/"), context=contextvars.Context()))
            for _ in range(ROUNDS)
            for host, org in hosts.items()
        ]
        answers = await asyncio.gather(*(task for _, task in batch))
        results.extend((org, *answer) for (org, _), answer in zip(batch, answers, strict=True))
        return results

    with override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False):
        results = _in_new_thread(lambda: asyncio.run(serve()))

    assert len(results) == 4 * ROUNDS
    for org, status, body in results:
        assert status == 200
        assert body["labels"] == [org.slug], f"{org.slug}'s request saw {body['labels']}"
        assert body["search_path"] == _expected_path(org)
    assert len({body["pid"] for _, _, body in results}) == 1, "all served by the one pooled connection"
    stats = one_pooled_connection.get_stats()
    assert stats["connections_num"] == 1
    # every request took the connection from the pool and gave it back (+ the failing ones)
    assert stats["requests_num"] >= 4 * ROUNDS + ROUNDS // 5


# --- configuration: pool sizes from the environment, workers per core ---------------------------


def _dev() -> Any:
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("dev_script", Path(__file__).resolve().parents[2] / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pool_sizes_come_from_the_environment_and_nonsense_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.settings.database import database_settings, pool_options

    monkeypatch.setenv("HUB_DB_POOL_MIN", "3")
    monkeypatch.setenv("HUB_DB_POOL_MAX", "5")
    options = pool_options()
    assert (options["min_size"], options["max_size"], options["reset"]) == (3, 5, reset_search_path)
    assert database_settings()["OPTIONS"]["pool"]["max_size"] == 5
    assert database_settings()["CONN_MAX_AGE"] == 0  # Django's pool refuses persistent connections

    monkeypatch.setenv("HUB_DB_POOL", "0")
    assert "pool" not in database_settings().get("OPTIONS", {})

    monkeypatch.setenv("HUB_DB_POOL_MIN", "6")
    with pytest.raises(ValueError, match="min <= max"):
        pool_options()


def test_serve_runs_one_worker_without_redis_and_one_per_core_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    dev = _dev()
    monkeypatch.delenv("HUB_WEB_WORKERS", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert dev.web_workers() == 1  # the in-memory channel layer reaches only its own process

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert dev.web_workers() == (os.cpu_count() or 1)

    monkeypatch.setenv("HUB_WEB_WORKERS", "3")
    assert dev.web_workers() == 3
    monkeypatch.setenv("HUB_WEB_WORKERS", "0")
    with pytest.raises(ValueError):
        dev.web_workers()


def test_serve_keeps_every_process_pool_within_the_connection_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    dev = _dev()
    monkeypatch.delenv("HUB_DB_POOL_MAX", raising=False)
    monkeypatch.delenv("HUB_DB_CONNECTIONS", raising=False)
    assert dev.pool_max_for(1) == 8
    for workers in (2, 4, 8, 16, 32):
        per_process = dev.pool_max_for(workers)
        assert 2 <= per_process <= 8
        if workers <= 28:  # 2 each is the floor: beyond that, lower HUB_DB_POOL_MAX or add PgBouncer
            assert (workers + 1) * per_process <= 60  # web workers + the background worker
    monkeypatch.setenv("HUB_DB_POOL_MAX", "4")
    assert dev.pool_max_for(16) == 4


def test_a_forked_child_never_shares_the_parents_pooled_connection(
    one_pooled_connection: Any, two_organisations: list[Organisation]
) -> None:
    import os

    from hub.settings import database

    if not database._fork_hook_registered:
        pytest.skip("HUB_DB_POOL=0: the settings registered no fork hook")
    # given: the parent used the one pooled connection for A and gave it back (idle in the pool)
    org_a, org_b = two_organisations
    parent = _sync_read(org_a)
    connection.close()

    # when: it forks (as `migrate_schemas --executor=multiprocessing` does) and the child reads B
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe and never returns)
        try:
            os.write(write_end, json.dumps(_sync_read(org_b)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        seen_by_child = json.loads(pipe.read() or "{}")
    os.waitpid(child, 0)

    # then: the child had a server session of its own, and the parent's still answers correctly
    assert seen_by_child["labels"] == [org_b.slug]
    assert seen_by_child["pid"] != parent["pid"]
    again = _sync_read(org_a)
    assert again["labels"] == [org_a.slug]
    assert again["search_path"] == _expected_path(org_a)


def _leave_session_state_behind() -> None:
    """A borrower that leaves session-level state on its connection (a bug, or a hand-written maintenance script)."""
    with connection.cursor() as cursor:
        cursor.execute("SET ROLE pool_probe_role")
        cursor.execute("SELECT set_config('hub.audit_maintenance', 'on', false)")  # session-wide, not local
        cursor.execute("CREATE TEMP TABLE pool_probe_left (label text)")
        cursor.execute("SELECT pg_advisory_lock(424242)")
        cursor.execute("LISTEN pool_probe_channel")
        cursor.execute("SET statement_timeout = '1ms'")


def _session_state() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user = session_user, current_setting('hub.audit_maintenance', true), "
            "current_setting('statement_timeout'), "
            "(SELECT count(*) FROM pg_class WHERE relname = 'pool_probe_left' AND relpersistence = 't'), "
            "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()), "
            "(SELECT count(*) FROM pg_listening_channels()), pg_backend_pid()"
        )
        own_role, maintenance, timeout, temp_tables, locks, channels, pid = cursor.fetchone()
    return {
        "own_role": own_role,
        "maintenance": maintenance or "",
        "timeout": timeout,
        "temp_tables": temp_tables,
        "locks": locks,
        "channels": channels,
        "pid": pid,
    }


@pytest.fixture
def probe_role(committing_db: None) -> Iterator[str]:
    """A role with no rights, for a borrower to SET ROLE to (dropped afterwards)."""
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS pool_probe_role")
        cursor.execute("CREATE ROLE pool_probe_role")
    try:
        yield "pool_probe_role"
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP ROLE IF EXISTS pool_probe_role")


def test_no_session_state_of_one_borrower_reaches_the_next(
    probe_role: str, one_pooled_connection: Any, two_organisations: list[Organisation]
) -> None:
    # given: organisation A's request leaves a role, a session-wide audit-maintenance flag, a
    # timeout, a temp table, an advisory lock and a LISTEN on the one pooled connection
    org_a, org_b = two_organisations

    def borrower_a() -> int:
        with tenant_context(org_a):
            pid = _session_state()["pid"]
            _leave_session_state_behind()
            return pid

    pid = _in_new_thread(borrower_a)

    # when: organisation B's request borrows the same connection
    def borrower_b() -> dict[str, Any]:
        with tenant_context(org_b):
            return {**_session_state(), **_sync_read(org_b)}

    seen = _in_new_thread(borrower_b)

    # then: same session, none of A's state: B runs as the hub's own role, audit rows stay
    # append-only, no lock or temp table of A's, and its own schema only
    assert seen["pid"] == pid
    assert seen["own_role"] is True
    assert seen["maintenance"] in {"", "off"}
    assert seen["timeout"] == "0"
    assert (seen["temp_tables"], seen["locks"], seen["channels"]) == (0, 0, 0)
    assert seen["labels"] == [org_b.slug]


def test_prepared_statements_still_work_after_the_reset(
    one_pooled_connection: Any, two_organisations: list[Organisation]
) -> None:
    # given: a prepared statement run for organisation A on the one connection
    from core.prepared import fetch_prepared

    org_a, org_b = two_organisations
    sql = "SELECT slug FROM tenants_organisation WHERE id = %s"

    def run(org: Organisation) -> list[tuple[Any, ...]]:
        with tenant_context(org):
            return fetch_prepared(sql, [org.pk])

    # when/then: the next borrowers (B, then A again) run it again on the same session
    assert _in_new_thread(lambda: run(org_a)) == [(org_a.slug,)]
    assert _in_new_thread(lambda: run(org_b)) == [(org_b.slug,)]
    assert _in_new_thread(lambda: run(org_a)) == [(org_a.slug,)]


def test_a_statement_first_prepared_in_a_failed_transaction_still_runs_for_the_next_borrower(
    one_pooled_connection: Any, two_organisations: list[Organisation]
) -> None:
    # given: organisation A's request prepares a statement inside a transaction, then fails
    from core.prepared import fetch_prepared

    org_a, org_b = two_organisations
    sql = "SELECT slug FROM public.tenants_organisation WHERE id = %s AND %s::text IS NOT NULL"

    def fail_after_preparing() -> None:
        with transaction.atomic(), tenant_context(org_a):
            assert fetch_prepared(sql, [org_a.pk, "a"]) == [(org_a.slug,)]
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1/0")

    with pytest.raises(Exception, match="division by zero"):
        _in_new_thread(fail_after_preparing)

    # when/then: B's request on the same connection runs it (prepared or again), with its own values
    def run_for_b() -> list[tuple[Any, ...]]:
        with tenant_context(org_b):
            return fetch_prepared(sql, [org_b.pk, "b"]) + fetch_prepared(sql, [org_b.pk, "b"])

    assert _in_new_thread(run_for_b) == [(org_b.slug,), (org_b.slug,)]
    assert _in_new_thread(lambda: _sync_read(org_b))["labels"] == [org_b.slug]
