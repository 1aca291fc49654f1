"""Demo content for network figures: fictional, created idempotently."""

from __future__ import annotations

from tenants.models import Organisation


def demo_figures(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo network figures is missing; running it twice changes nothing."""
