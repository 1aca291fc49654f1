"""django-tenants: which apps live in the public schema and which in every organisation's schema."""

from hub.settings.env import env_str

SHARED_APPS = [
    "django_tenants",
    "daphne",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    # The platform operators' admin (hub/admin.py, /admin/ on the public site); no autodiscovery,
    # so only what hub.admin registers on its own gated site is ever served.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "channels",
    "guardian",
    # Two-factor sign-in (TOTP and single-use recovery codes), kept with the people in public.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Sign-in throttling and lockout per (email, IP) (tenants/lockout.py), in public with the people.
    "axes",
    "core",
    "tenants",
    "agreements",
    "sharing",
    "hub",
]

# Working records: each organisation's own schema, never read across a boundary.
# contenttypes stays public only: one content-type table, so auth's ids agree in every schema
# (each tenant's search_path falls back to public).
# No "guardian": nothing keeps object-permission rows per organisation (rights come from scopes
# and assignments), so its generic tables are not made in organisation schemas (issue 14;
# speakers migration 0004 drops them from older schemas).
TENANT_APPS = [
    "speakers",
    "welfare",
    "referrals",
    "partners",
    "training",
    "risks",
    "networks",
    "library",
    "figures",
    "returns",
    "notifications",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Organisation"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "hub.urls_public"
ROOT_URLCONF = "hub.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# One `SET search_path` per request instead of one per cursor.
TENANT_LIMIT_SET_CALLS = True

# Every organisation is reached at <slug>.<HUB_BASE_DOMAIN>; the public site at the base domain.
HUB_BASE_DOMAIN = env_str("HUB_BASE_DOMAIN", "hub.localhost")
