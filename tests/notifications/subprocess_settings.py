"""Settings for the servers and workers the notification tests start as subprocesses.

The test settings, with what a real deployment reads from the environment put back:
the Redis channel layer and broker when REDIS_URL is set, tasks queued (not run eagerly),
and the email backend and folder from DJANGO_EMAIL_BACKEND / EMAIL_FILE_PATH.
"""

from hub.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS as _BROKER_OPTIONS
from hub.settings.base import CELERY_BROKER_URL as _BROKER
from hub.settings.env import env_str
from hub.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = _BROKER
CELERY_BROKER_TRANSPORT_OPTIONS = _BROKER_OPTIONS
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
