"""A database of its own for a benchmark run, on DATABASE_URL's server or the embedded one.

Call `use_throwaway_database()` before `django.setup()`; it points DATABASE_URL at a new
database and returns a function that drops it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _server_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from hub.embedded_db import embedded_database_url

    return embedded_database_url()


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def _connect(url: str) -> psycopg.Connection:
    parsed = urlparse(url)
    query = dict(part.split("=", 1) for part in parsed.query.split("&") if "=" in part)
    return psycopg.connect(
        dbname=parsed.path.lstrip("/") or "postgres",
        user=parsed.username or "postgres",
        password=parsed.password or None,
        host=query.get("host") or parsed.hostname or None,
        port=parsed.port or None,
        autocommit=True,
    )


def use_throwaway_database(label: str) -> Callable[[], None]:
    server = _server_url()
    name = f"hub_bench_{label}_{os.getpid()}"
    with _connect(_with_database(server, "postgres")) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = _with_database(server, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.test")
    os.environ.setdefault("HUB_ALLOW_DEV_MASTER_KEY", "1")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with _connect(_with_database(server, "postgres")) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop
