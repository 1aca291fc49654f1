"""Settings for the hub processes the fault tests start against their private PostgreSQL.

The test settings (DEBUG off, so an error page never shows a traceback), with what a real
deployment reads from the environment put back when REDIS_URL is set: the Redis channel
layer (hub.settings.base) and Celery queuing to Redis rather than running tasks in-process.
"""

from hub.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS as _BROKER_OPTIONS
from hub.settings.base import CELERY_BROKER_URL as _BROKER
from hub.settings.base import REDIS_URL as _REDIS_URL
from hub.settings.test import *  # noqa: F403

if _REDIS_URL:
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_URL = _BROKER
    CELERY_BROKER_TRANSPORT_OPTIONS = _BROKER_OPTIONS
