"""Background work for network figures: the daily termly send (CELERY_BEAT_SCHEDULE "network-figures")."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="figures.termly_send")
def termly_send_task() -> dict[str, int]:
    """Send the term that ended last's figures and network totals, as `manage.py figures_send` does; idempotent.

    Runs in the public schema (it enters each member's schema itself). Returns the counts, e.g.
    `{"sent": 0, "already": 3, "refused": 0, "totals_sent": 3}`.
    """
    from core.dates import today
    from figures.services import last_ended_term
    from figures.termly import termly_send

    now = today()
    report = termly_send(last_ended_term(now), now)
    return {
        "sent": report.sent,
        "already": report.already,
        "refused": report.refused,
        "totals_sent": report.totals_sent,
    }
