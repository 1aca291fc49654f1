"""System checks: a missing or malformed master key stops the hub at start-up, not at first use."""

from typing import Any

from django.core.checks import Error, register


@register()
def master_key_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from core.keys import check_master_key

    return [
        Error(problem, hint="Set HUB_MASTER_KEY; see README 'Keys'.", id="core.E001") for problem in check_master_key()
    ]
