"""The database: DATABASE_URL when set, otherwise an embedded PostgreSQL in the data folder."""

from typing import Any

import dj_database_url

from hub.embedded_db import embedded_database_settings
from hub.settings.env import env_str


def database_settings() -> dict[str, Any]:
    url = env_str("DATABASE_URL")
    config: dict[str, Any] = dj_database_url.parse(url, conn_max_age=60) if url else embedded_database_settings()
    # django-tenants needs its own backend; it wraps Django's PostgreSQL backend.
    config["ENGINE"] = "django_tenants.postgresql_backend"
    config.setdefault("TEST", {})
    if env_str("HUB_TEST_DATABASE_NAME"):
        config["TEST"]["NAME"] = env_str("HUB_TEST_DATABASE_NAME")
    return config
