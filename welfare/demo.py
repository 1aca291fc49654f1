"""Fictional demo data of welfare; idempotent."""

from __future__ import annotations

from tenants.models import Organisation


def demo_welfare(by_slug: dict[str, Organisation]) -> None:
    """Create what is missing of the demo's welfare records (nothing yet)."""
