"""Production: everything from the environment; refuses to start without its secrets."""

from core.keys import forbid_development_key
from hub.settings.base import *  # noqa: F403
from hub.settings.env import env_bool, env_str

forbid_development_key()  # only HUB_MASTER_KEY, never a generated development key file

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
SESSION_COOKIE_SECURE = env_bool("HUB_HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
