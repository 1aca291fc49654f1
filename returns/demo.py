"""Demo content for the annual prevent return: fictional, created idempotently."""

from __future__ import annotations

from tenants.models import Organisation


def demo_returns(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo the annual prevent return is missing; running it twice changes nothing."""
