"""Background work for notifications. Tasks take ids; the schema travels in the task's header.

Queue per-organisation tasks inside `schema_context(schema)` (tenant-schemas-celery reads the
current schema when the task is queued and switches to it in the worker).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task

from hub.celery import fan_out, organisation_schemas
from notifications import delivery
from tenants.models import Organisation

logger = logging.getLogger("hub.tasks")

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


class SweepFailed(Exception):
    """One or more of an organisation's sweeps raised; the others ran. Names sweeps only, never data."""


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
    """Queue one digest task per organisation (CELERY_BEAT_SCHEDULE "notification-digests"); returns how many.

    Raises `hub.celery.FanOutError` after queuing the rest if some could not be queued."""
    return fan_out(send_digest, organisation_schemas())


@shared_task(name="notifications.sweep")
def sweep() -> int:
    """Run every registered sweep for the task's organisation. Returns how many people were notified.

    The sweeps are independent (agreement reviews, partner reports overdue, actions due): one that
    raises is logged by name and the others still run; `SweepFailed` is raised afterwards, naming
    the sweeps that failed, so the task shows as failed.
    """
    from django.db import connection

    organisation = Organisation.objects.get(schema_name=connection.schema_name)
    notified, failed = 0, []
    for run in SWEEPS:
        name = f"{run.__module__}.{run.__name__}"
        try:
            notified += run(organisation)
        except Exception as error:  # noqa: BLE001 (one sweep's failure must not stop the others)
            failed.append(name)
            logger.error("Sweep %s failed in %s: %s", name, organisation.schema_name, type(error).__name__)
    if failed:
        raise SweepFailed(f"{organisation.schema_name}: {', '.join(failed)} failed; {notified} notified by the rest")
    return notified


@shared_task(name="notifications.sweep_all")
def sweep_all() -> int:
    """Queue one sweep task per organisation (CELERY_BEAT_SCHEDULE "notification-sweeps"); returns how many.

    This is the beat job for agreement review reminders, partner report reminders and actions due.
    Raises `hub.celery.FanOutError` after queuing the rest if some could not be queued."""
    return fan_out(sweep, organisation_schemas())
