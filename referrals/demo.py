"""Fictional demo data of referrals; idempotent."""

from __future__ import annotations

from tenants.models import Organisation


def demo_referrals(by_slug: dict[str, Organisation]) -> None:
    """Create what is missing of the demo's referrals records (nothing yet)."""
