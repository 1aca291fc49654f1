"""System checks: the demo's shown code never reaches a real deployment; no organisation misses a migration."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register()
def demo_code_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """tenants.E010: HUB_DEMO_SHOW_TOTP_CODE is on with DEBUG off or under production settings."""
    if not getattr(settings, "HUB_DEMO_SHOW_TOTP_CODE", False):
        return []
    module = str(getattr(settings, "SETTINGS_MODULE", "") or "")
    if settings.DEBUG and not module.endswith("production"):
        return []
    return [
        Error(
            "HUB_DEMO_SHOW_TOTP_CODE shows the current sign-in code on the code page; it is for the "
            "development demo only.",
            hint="Turn it off (it is set only by hub/settings/dev.py, which needs DEBUG on).",
            id="tenants.E010",
        )
    ]


@register(Tags.database, deploy=True)
def organisation_migrations_check(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    """tenants.E020: some organisation schema misses a migration of the code's graph.

    A database and deployment check, so it runs with `manage.py check --deploy --database default`
    (never inside `migrate`, which would meet schemas it has yet to migrate).
    """
    if not databases or "default" not in databases:
        return []
    from tenants.provisioning import organisations_missing_migrations

    missing = organisations_missing_migrations()
    if not missing:
        return []
    names = ", ".join(sorted(missing)[:5]) + (" …" if len(missing) > 5 else "")
    count = sum(len(lacking) for lacking in missing.values())
    return [
        Error(
            f"{len(missing)} organisation schemas miss {count} migrations ({names}).",
            hint="Run `manage.py migrate_organisations`; `manage.py migrations_verify` lists them.",
            id="tenants.E020",
        )
    ]
