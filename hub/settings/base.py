"""Settings shared by every environment; everything that varies comes from the environment."""

from datetime import timedelta

from celery.schedules import crontab
from csp.constants import NONE, SELF

from hub.settings.database import database_settings
from hub.settings.env import BASE_DIR, env_bool, env_list, env_str
from hub.settings.tenancy import *  # noqa: F403
from hub.settings.tenancy import HUB_BASE_DOMAIN

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    [HUB_BASE_DOMAIN, f".{HUB_BASE_DOMAIN}", "localhost", "127.0.0.1"],
)

DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    # Web hardening first, so every answer carries its headers (even /healthz and the tenant 404s).
    "django.middleware.security.SecurityMiddleware",
    "hub.middleware.ContentSecurityPolicyMiddleware",
    "hub.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hub.middleware.BareLocalhostRedirectMiddleware",
    "hub.middleware.HubTenantMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hub.middleware.MembershipMiddleware",
    # After the membership gate: a session that must pass the second factor is sent to do so.
    "hub.middleware.SecondFactorMiddleware",
    "hub.input_guard.UnstorableInputMiddleware",
    # django-axes' own middleware (its system check asks for it); the sign-in views answer a
    # lockout themselves (429 with the time to try again), so it only ever passes responses on.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hub.context_processors.shell",
            ],
        },
    },
]

# Web hardening (issue 13). Every page's script and style come from our own static files: no inline
# <script>, no on* attribute, no style="" (tests/hub/test_security_headers.py). The WebSocket origin
# (ws:/wss: of the page's own host, for hub/static/hub/live.js) is added per request by
# hub.middleware.ContentSecurityPolicyMiddleware, because every organisation has its own host.
# form-action allows the base domain and its subdomains: signing in on the public site may send the
# browser on to an organisation's host (form-action also governs the redirect after a POST).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for images only (a QR code drawn as a data: URI, e.g. segno's, for the second factor).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, f"{HUB_BASE_DOMAIN}:*", f"*.{HUB_BASE_DOMAIN}:*"],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}
# Powerful browser features nobody here uses, switched off for our pages and anything they embed
# (hub.middleware.PermissionsPolicyMiddleware writes the header).
HUB_PERMISSIONS_POLICY = {
    feature: "()"
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "sync-xhr",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The load balancer's and the orchestrator's health checks (hub/health.py) may ask over plain HTTP
# (production redirects everything else; a probe following that redirect would pass unchecked).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

WSGI_APPLICATION = None
ASGI_APPLICATION = "hub.asgi.application"

AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while (email, IP) is locked out, before a password is checked.
    # AxesBackend (not AxesStandaloneBackend) so that it also answers get_user like ModelBackend:
    # Django's test client and hand-made sessions name the first backend.
    "axes.backends.AxesBackend",
    "tenants.auth_backends.HubAuthBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# OpenID Connect sign-in (tenants.oidc; README "Signing in with your university"): off unless
# HUB_OIDC_CLIENT_ID and either HUB_OIDC_ISSUER (endpoints from its discovery document) or the
# four endpoint URLs are set. It only signs in people who already have a hub account.
HUB_OIDC_CLIENT_ID = env_str("HUB_OIDC_CLIENT_ID")
HUB_OIDC_ISSUER = env_str("HUB_OIDC_ISSUER").rstrip("/")
HUB_OIDC_NAME = env_str("HUB_OIDC_NAME", "your university")
HUB_OIDC_ENABLED = bool(HUB_OIDC_CLIENT_ID and (HUB_OIDC_ISSUER or env_str("HUB_OIDC_AUTHORIZATION_ENDPOINT")))
if HUB_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("tenants.oidc.HubOIDCBackend")
# mozilla-django-oidc's settings; tenants.oidc fills the endpoints left empty from the discovery document.
OIDC_RP_CLIENT_ID = HUB_OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = env_str("HUB_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("HUB_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("HUB_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("HUB_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("HUB_OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("HUB_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # invitations create accounts; never the identity provider
OIDC_TIMEOUT = 10  # seconds, for each call to the provider
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row; anonymous people get nothing.

# One sign-in for the public site and every organisation: the cookie belongs to the base
# domain, which Chromium shares with its subdomains (it does not do so for bare `localhost`).
SESSION_COOKIE_DOMAIN = env_str("HUB_COOKIE_DOMAIN", HUB_BASE_DOMAIN)
CSRF_COOKIE_DOMAIN = SESSION_COOKIE_DOMAIN
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    [f"http://{HUB_BASE_DOMAIN}:8000", f"http://*.{HUB_BASE_DOMAIN}:8000"],
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # Keys carry the schema so one organisation never reads another's cache entry.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

REDIS_URL = env_str("REDIS_URL")
CHANNEL_LAYERS = {
    "default": (
        # redis-py 8 reads with a 5 s socket timeout by default, which cuts channels_redis's
        # 5 s blocking receive (BZPOPMIN) on every idle socket and ends its consumer; allow longer.
        # `capacity` counts per server process (all its sockets share one Redis list); the default
        # 100 drops messages of a notification to a few hundred people on one process.
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "capacity": 5000},
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

# Background work (hub/celery.py): Redis as broker when REDIS_URL is set; otherwise a folder
# broker under var/celery, so one machine runs the worker without Redis.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(BASE_DIR / "var" / "celery" / "queue"),
        "data_folder_out": str(BASE_DIR / "var" / "celery" / "queue"),
        "processed_folder": str(BASE_DIR / "var" / "celery" / "done"),
        "control_folder": str(BASE_DIR / "var" / "celery" / "control"),  # not ./control in the checkout
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_TASK_ALWAYS_EAGER = env_bool("HUB_CELERY_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Scheduled jobs (the beat scheduler). A job that visits every organisation fans out one task per
# organisation (hub.celery.fan_out), so one organisation's failure does not stop the others;
# "notification-sweeps" carries the agreement review and partner report reminders (notifications.SWEEPS).
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "notification-sweeps": {"task": "notifications.sweep_all", "schedule": crontab(hour=6, minute=30)},
    "notification-digests": {"task": "notifications.digest_all", "schedule": crontab(hour=7, minute=0)},
    # Every audit chain's signed checkpoint, hourly (core/tasks.py; README "Audit checkpoints").
    "audit-checkpoints": {"task": "core.audit_checkpoint_all", "schedule": crontab(minute=5)},
    # Expired keys, ended agreements and withdrawals, lapsed checks shredded (sharing/tasks.py; public schema).
    "exchange-sweep": {"task": "sharing.exchange_sweep", "schedule": crontab(minute="*/15")},
    # Approved welfare cases past retention destroyed, one task per organisation (welfare/tasks.py).
    "welfare-retention-destruction": {"task": "welfare.retention_destroy_all", "schedule": crontab(hour=2, minute=15)},
    # Once per term, idempotent, so daily: what `referrals_send_aggregates` and `figures_send` do.
    "referral-aggregates": {"task": "referrals.termly_send", "schedule": crontab(hour=3, minute=0)},
    "network-figures": {"task": "figures.termly_send", "schedule": crontab(hour=3, minute=30)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api_auth.OrganisationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tenants.api_auth.HasRequiredScopes"],
    "DEFAULT_SCHEMA_CLASS": "hub.api_schema.HubAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only; strings PostgreSQL cannot store (NUL, lone surrogates) are a 400 naming the field.
    "DEFAULT_PARSER_CLASSES": ["hub.input_guard.StorableJSONParser"],
    # Every list is paged: ?page=N&page_size=M, M at most hub.api_pagination.MAX_PAGE_SIZE (200).
    "DEFAULT_PAGINATION_CLASS": "hub.api_pagination.HubPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "hub.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership Hub API",
    "DESCRIPTION": (
        "Organisation-scoped API. Call it on the organisation's own host name "
        "(<slug>.<base domain>) with `Authorization: Bearer <token>`; a token works only "
        "for the organisation that issued it."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several apps name a field `status`, `outcome` or `kind` with their own choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "SpeakerRequestStatusEnum": "speakers.choices.Status",
        "SpeakerOutcomeEnum": "speakers.choices.Outcome",
        "ConcernStatusEnum": "welfare.choices.ConcernStatus",
        "CaseStatusEnum": "welfare.choices.CaseStatus",
        "CaseOutcomeEnum": "welfare.choices.Outcome",
        "TriageOutcomeEnum": "welfare.choices.TriageOutcome",
        "CaseEntryKindEnum": "welfare.choices.EntryKind",
        "SubjectKindEnum": "welfare.choices.SubjectKind",
        "TransferStatusEnum": "referrals.models.TransferStatus",
        "ReportStatusEnum": "partners.models.ReportStatus",
        "PeriodKindEnum": "partners.models.PeriodKind",
        "RecordKindEnum": "agreements.models.RecordKind",
        "RiskCategoryEnum": "risks.models.Category",
        "RiskRatingEnum": "risks.models.Rating",
        "RiskStatusEnum": "risks.models.RiskStatus",
        "RiskActionStatusEnum": "risks.models.ActionStatus",
        "OrganisationKindEnum": "tenants.models.OrganisationKind",
        "LinkKindEnum": "tenants.models.LinkKind",
        "DetailRequestStatusEnum": "sharing.models.DetailRequestStatus",
        "TrainingTierEnum": "training.models.Tier",
        "TrainingKindEnum": "training.models.Kind",
        "TrainingSourceEnum": "training.models.Source",
        "LibraryThemeEnum": "library.choices.Theme",
        "PracticeStatusEnum": "library.choices.PracticeStatus",
        "NetworkActionStatusEnum": "networks.models.ActionStatus",
        "NotificationKindEnum": "notifications.kinds.Kind",
        "NotificationDeliveryEnum": "notifications.kinds.Delivery",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HUB_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "hub@hub.localhost")

# The ASGI app checks the master key against the database when it loads (hub.startup).
# Only the test settings turn this off: tests import the app inside rolled-back transactions
# and check the key themselves.
HUB_STARTUP_KEY_CHECK = True
# SMTP, when DJANGO_EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# The folder for django.core.mail.backends.filebased.EmailBackend (one file per batch sent).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
# The public site's address, for links made outside a request (invitations from manage.py).
HUB_PUBLIC_URL = env_str("HUB_PUBLIC_URL", f"http://{HUB_BASE_DOMAIN}:8000")

# --- Sign-in throttling and lockout (django-axes; tenants/lockout.py) -------------------------
# After HUB_LOGIN_FAILURE_LIMIT wrong passwords or second-factor codes for one email address from
# one IP address, that pair is refused for HUB_LOGIN_COOLOFF_MINUTES (the page answers 429 and
# says when to try again). A success resets the count.
AXES_ENABLED = env_bool("HUB_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(env_str("HUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(env_str("HUB_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Reset by the hub itself once the whole sign-in (password and, where needed, code) succeeds:
# a right password alone must not wipe the count of wrong codes (tenants.lockout.failures_reset).
AXES_RESET_ON_SUCCESS = False
# A failed attempt during a lockout does not push the end of the lockout further away, so the
# page can promise a time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "tenants.lockout.username_of"
# REMOTE_ADDR, or X-Forwarded-For only when HUB_TRUSTED_PROXY_COUNT names how many proxies of
# yours stand in front of the hub (each appends the address it received from).
AXES_CLIENT_IP_CALLABLE = "tenants.lockout.client_ip"
HUB_TRUSTED_PROXY_COUNT = int(env_str("HUB_TRUSTED_PROXY_COUNT", "0"))
AXES_LOCKOUT_CALLABLE = "tenants.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code"]
AXES_VERBOSE = False

# --- Two-factor sign-in (django-otp; tenants/two_factor.py) -----------------------------------
OTP_TOTP_ISSUER = env_str("HUB_TOTP_ISSUER", "Partnership Hub")
# Wrong codes wait 1, 2, 4, 8 … seconds before the next try (per device); never 0 (off).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Development settings only: the code page shows the current code of the demo authenticator
# (a system check refuses it with DEBUG off or under production settings).
HUB_DEMO_SHOW_TOTP_CODE = False

# Speed at network scale (README, Configuration).
# Hot fixed statements (the policy's terms, the exchange's joint read, the audit batch) are prepared
# on the server once per connection (core/prepared.py); off behind PgBouncer older than 1.21.
HUB_PREPARED_STATEMENTS = env_bool("HUB_PREPARED_STATEMENTS", True)
# Seconds between writes of an API token's `last_used_at` (tenants/api_auth.py).
HUB_TOKEN_LAST_USED_INTERVAL = int(env_str("HUB_TOKEN_LAST_USED_INTERVAL", "300"))
# New organisations' schemas from the checked replay of the tenant migrations' SQL (tenants/provisioning.py).
HUB_PROVISION_REPLAY = env_bool("HUB_PROVISION_REPLAY", True)
