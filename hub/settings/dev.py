"""Development: the demo hub on the embedded PostgreSQL (or DATABASE_URL)."""

import os

os.environ.setdefault("HUB_ALLOW_DEV_MASTER_KEY", "1")

from hub.settings.base import *  # noqa: E402,F403
from hub.settings.env import env_bool, env_str  # noqa: E402

DEBUG = env_bool("DJANGO_DEBUG", True)
# A development-only secret; production refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-not-secret-partnership-hub")

# Serve static files straight from the apps (no collectstatic step), whatever DEBUG says.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The demo people's authenticator shares one published secret (hub/demo.py): show its current
# code on the sign-in code page. Never in production (tenants.E010 refuses it).
HUB_DEMO_SHOW_TOTP_CODE = env_bool("HUB_DEMO_SHOW_TOTP_CODE", DEBUG)
