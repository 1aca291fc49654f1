"""Demo content for good-practice library: fictional, created idempotently."""

from __future__ import annotations

from tenants.models import Organisation


def demo_library(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo good-practice library is missing; running it twice changes nothing."""
