"""Demo content for training records: fictional, created idempotently."""

from __future__ import annotations

from tenants.models import Organisation


def demo_training(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo training records is missing; running it twice changes nothing."""
