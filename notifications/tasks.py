"""Background work for notifications. Tasks take ids; the schema travels in the task's header.

Queue per-organisation tasks inside `schema_context(schema)` (tenant-schemas-celery reads the
current schema when the task is queued and switches to it in the worker).
"""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from notifications import delivery
from tenants.models import Organisation

# Daily sweeps that notify what fell due (an agreement's review, an overdue report, an action):
# each runs in one organisation's schema with that organisation, and passes a `key` to
# `notify` so a second run the same day notifies nobody twice.
Sweep = Callable[[Organisation], int]
SWEEPS: list[Sweep] = []


def register_sweep(sweep: Sweep) -> Sweep:
    """Add a daily sweep (a function of the organisation, run in its schema, returning how many it notified).

    Registering the same function twice has no further effect."""
    if sweep not in SWEEPS:
        SWEEPS.append(sweep)
    return sweep


def _organisation_schemas() -> list[str]:
    return list(
        Organisation.objects.exclude(schema_name=get_public_schema_name())
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )


@shared_task(name="notifications.email")
def email_notifications(notification_ids: list[int]) -> int:
    """Email the notifications with these ids (in the task's schema) to those who chose email."""
    return delivery.email_each(notification_ids)


@shared_task(name="notifications.digest")
def send_digest() -> int:
    """Send the daily digest to everyone in the task's schema who has digest notifications waiting."""
    return delivery.digest()


@shared_task(name="notifications.digest_all")
def send_all_digests() -> int:
    """Queue one digest task per organisation. Returns how many were queued."""
    schemas = _organisation_schemas()
    for schema in schemas:
        with schema_context(schema):
            send_digest.delay()
    return len(schemas)


@shared_task(name="notifications.sweep")
def sweep() -> int:
    """Run every registered sweep for the task's organisation. Returns how many people were notified."""
    from django.db import connection

    organisation = Organisation.objects.get(schema_name=connection.schema_name)
    return sum(run(organisation) for run in SWEEPS)


@shared_task(name="notifications.sweep_all")
def sweep_all() -> int:
    """Queue one sweep task per organisation. Returns how many were queued."""
    schemas = _organisation_schemas()
    for schema in schemas:
        with schema_context(schema):
            sweep.delay()
    return len(schemas)
