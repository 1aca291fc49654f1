"""Fictional demo data of partners; idempotent."""

from __future__ import annotations

from tenants.models import Organisation


def demo_partners(by_slug: dict[str, Organisation]) -> None:
    """Create what is missing of the demo's partners records (nothing yet)."""
