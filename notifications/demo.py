"""Demo notifications: what the daily sweeps find in the demo network, so the centre is not empty.

The other apps' demos already notify through their real services (an agreement sent for
signature, a concern raised, a paper circulated...). This runs the daily sweeps once for every
demo organisation: agreements due for review, partner reports overdue, actions due. Each sweep
notifies a person once per thing and date, so seeding twice adds nothing.
"""

from __future__ import annotations

from django_tenants.utils import tenant_context

from notifications.tasks import SWEEPS
from tenants.models import Organisation


def demo_notifications(by_slug: dict[str, Organisation]) -> int:
    """Run every registered sweep for each demo organisation. Returns how many people were notified."""
    notified = 0
    for organisation in by_slug.values():
        with tenant_context(organisation):
            notified += sum(sweep(organisation) for sweep in SWEEPS)
    return notified
