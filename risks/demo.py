"""Demo content for risk register and action plan: fictional, created idempotently."""

from __future__ import annotations

from tenants.models import Organisation


def demo_risks(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo risk register and action plan is missing; running it twice changes nothing."""
