"""What speaker requests put on an organisation's dashboard (see hub.panels)."""

from __future__ import annotations

from django.http import HttpRequest

from hub.panels import Panel


def panel(request: HttpRequest) -> Panel | None:
    """This app's dashboard card for `request.membership`, or None when it has nothing for them."""
    return None
