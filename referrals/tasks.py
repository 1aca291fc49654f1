"""Background work for referrals: the daily termly aggregates (CELERY_BEAT_SCHEDULE "referral-aggregates")."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="referrals.termly_send")
def termly_send_task() -> dict[str, int]:
    """Send the term that ended last's aggregates, as `manage.py referrals_send_aggregates` does; idempotent.

    Runs in the public schema (it enters each partner's schema itself). Returns the counts, e.g.
    `{"partners": 2, "sent": 0, "already": 2, "refused": 0, "summaries_updated": 0}`.
    """
    from core.dates import today
    from referrals.periods import last_ended
    from referrals.termly import termly_send

    report = termly_send(last_ended(today()))
    return {
        "partners": report.partners,
        "sent": report.sent,
        "already": report.already,
        "refused": report.refused,
        "summaries_updated": report.summaries_updated,
    }
