"""Demo content for networks (meetings, papers, minutes, actions): fictional, created idempotently."""

from __future__ import annotations

from tenants.models import Organisation


def demo_networks(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo networks is missing; running it twice changes nothing."""
