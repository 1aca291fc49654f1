"""Tests: real PostgreSQL (embedded or DATABASE_URL), fast hashing, no debug pages."""

import os

os.environ.setdefault("HUB_ALLOW_DEV_MASTER_KEY", "1")

from hub.settings.base import *  # noqa: E402,F403
from hub.settings.env import env_bool, env_str  # noqa: E402

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "test-only-not-secret")
# Argon2 stays the default hasher in every real environment; tests use MD5 for speed only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# One test database per run, so several runs (two developers, or CI and a developer) can
# share one PostgreSQL server without dropping each other's database.
DATABASES["default"]["TEST"] = {"NAME": env_str("HUB_TEST_DATABASE_NAME", f"test_hub_{os.getpid()}")}  # noqa: F405
# Tests hold one connection per thread for the whole test (its wrapping transaction), so the pool
# buys nothing here and would keep connections open on a server shared by parallel runs; the
# pooling tests (tests/hub/test_pooling.py) switch it on themselves. HUB_TEST_DB_POOL=1 runs
# the suite on the pool.
if not env_bool("HUB_TEST_DB_POOL"):
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405

# Serve static files straight from the apps (no collectstatic step), whatever DEBUG says.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

HUB_STARTUP_KEY_CHECK = False

# Background tasks run in the test process, after the commit that queued them
# (tests/notifications/test_worker.py runs a real worker against Redis as well).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
