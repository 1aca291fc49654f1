"""Databases of their own for the ops tests: a throwaway database on the test run's server, dropped afterwards."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

from tests.notifications.servers import run_database_url

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.ops.subprocess_settings"


def _admin() -> psycopg.Connection:
    from django.db import connection

    s = connection.settings_dict
    options = s.get("OPTIONS") or {}
    return psycopg.connect(
        dbname="postgres",
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or options.get("host") or None,
        port=s.get("PORT") or options.get("port") or None,
        autocommit=True,
    )


@contextmanager
def throwaway_database(label: str) -> Iterator[str]:
    """A new, empty database on the test run's PostgreSQL server; yields its DATABASE_URL, drops it after."""
    name = f"test_ops_{label}_{os.getpid()}_{secrets.token_hex(3)}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(urlparse(run_database_url())._replace(path=f"/{name}"))
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hub_env(database_url: str, master_key: str, **extra: str) -> dict[str, str]:
    """The environment of a hub process on `database_url` with `master_key` (base64) and no development key."""
    env = dict(os.environ)
    for name in ("HUB_ALLOW_DEV_MASTER_KEY", "HUB_MASTER_KEY_PREVIOUS", "REDIS_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=database_url, HUB_MASTER_KEY=master_key, PYTHONPATH=str(ROOT)
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `manage.py <args>` in its own process with `env`; returns the finished process (not checked)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _id_tables(cursor, schema: str) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.columns WHERE table_schema = %s AND column_name = 'id' "
        "AND data_type IN ('bigint', 'integer')",
        [schema],
    )
    return [row[0] for row in cursor.fetchall()]


@contextmanager
def tenant_rows_added_removed(*schemas: str) -> Iterator[None]:
    """Afterwards delete every row added (by id) to `schemas`, and exchange settings created meanwhile.

    For committing tests on the session's organisations: `committing_db` removes the public
    rows it can find by id, and these are the rest (a welfare case and its people's links).
    """
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        marks = {}
        for schema in schemas:
            for table in _id_tables(cursor, schema):
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{schema}"."{table}"')  # noqa: S608
                marks[(schema, table)] = cursor.fetchone()[0]
        cursor.execute("SELECT organisation_id FROM public.sharing_exchangesettings")
        settings_before = [row[0] for row in cursor.fetchall()]
    try:
        yield
    finally:
        connection.set_schema_to_public()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for (schema, table), mark in marks.items():
                cursor.execute(f'DELETE FROM "{schema}"."{table}" WHERE id > %s', [mark])  # noqa: S608
            cursor.execute(
                "DELETE FROM public.sharing_exchangesettings WHERE NOT (organisation_id = ANY(%s))", [settings_before]
            )
