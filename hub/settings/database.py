"""The database: DATABASE_URL when set, otherwise an embedded PostgreSQL in the data folder."""

from typing import Any

import dj_database_url

from hub.embedded_db import embedded_database_settings
from hub.settings.env import env_str


def database_settings() -> dict[str, Any]:
    url = env_str("DATABASE_URL")
    config: dict[str, Any] = dj_database_url.parse(url) if url else embedded_database_settings()
    # Under ASGI each request's sync code may run on a new thread, and a persistent
    # connection left on a finished thread is never reused: it leaks until the server
    # refuses clients (seen under load). Close per request; pool outside (e.g. PgBouncer).
    config["CONN_MAX_AGE"] = 0
    # django-tenants needs its own backend; it wraps Django's PostgreSQL backend.
    config["ENGINE"] = "django_tenants.postgresql_backend"
    config.setdefault("TEST", {})
    if env_str("HUB_TEST_DATABASE_NAME"):
        config["TEST"]["NAME"] = env_str("HUB_TEST_DATABASE_NAME")
    return config
