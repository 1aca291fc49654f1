"""Production: everything from the environment; refuses to start without its secrets.

HTTPS is on unless HUB_HTTPS=false (only for a hub reached over plain HTTP on loopback, e.g. a
test behind nothing; `manage.py check --deploy` then warns, rightly). Behind a proxy that
terminates TLS, keep HUB_HTTPS on and have the proxy send `X-Forwarded-Proto: https`.
"""

from hub.settings.base import *  # noqa: F403
from hub.settings.env import env_bool, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
HUB_HTTPS = env_bool("HUB_HTTPS", True)
SESSION_COOKIE_SECURE = HUB_HTTPS
CSRF_COOKIE_SECURE = HUB_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Every plain-HTTP request is redirected to HTTPS, except /healthz (SECURE_REDIRECT_EXEMPT in base).
SECURE_SSL_REDIRECT = HUB_HTTPS
# A year of HSTS, for the base domain and every organisation's host (all are served over HTTPS).
SECURE_HSTS_SECONDS = 31536000 if HUB_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HUB_HTTPS
# `preload` only makes the domain eligible: nothing happens until its owner submits the registrable
# domain at hstspreload.org, which binds every subdomain to HTTPS for years. That is the operator's
# decision (README, Configuration); HUB_HSTS_PRELOAD=false drops the token from the header.
SECURE_HSTS_PRELOAD = HUB_HTTPS and env_bool("HUB_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only HUB_MASTER_KEY, never a generated development key file, whatever HUB_ALLOW_DEV_MASTER_KEY says
# (read by core.keys; review1).
HUB_DEV_MASTER_KEY_FORBIDDEN = True
