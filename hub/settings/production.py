"""Production: everything from the environment; refuses to start without its secrets."""

from hub.settings.base import *  # noqa: F403
from hub.settings.env import env_bool, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
SESSION_COOKIE_SECURE = env_bool("HUB_HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if SESSION_COOKIE_SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only HUB_MASTER_KEY, never a generated development key file, whatever HUB_ALLOW_DEV_MASTER_KEY says
# (read by core.keys; review1).
HUB_DEV_MASTER_KEY_FORBIDDEN = True
