"""System checks for sign-in: the demo's shown code never reaches a real deployment."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


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
