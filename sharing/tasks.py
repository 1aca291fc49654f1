"""Background work for the exchange: the scheduled sweep (CELERY_BEAT_SCHEDULE "exchange-sweep").

The exchange lives in the public schema (one table of shared checks for every organisation), so
the sweep is one task, not one per organisation; `exchange_sweep` already reconciles each
agreement in its own transaction, so one agreement's trouble does not stop the rest.
"""

from __future__ import annotations

import dataclasses

from celery import shared_task

from sharing.sweep import exchange_sweep


@shared_task(name="sharing.exchange_sweep")
def exchange_sweep_task() -> dict[str, int]:
    """Run the exchange sweep now (expired keys, ended agreements and withdrawals, lapsed checks shredded).

    Returns the report's counts (`sharing.sweep.SweepReport` without its notes), e.g.
    `{"keys_expired": 0, "checks_destroyed": 2, ...}`.
    """
    report = exchange_sweep()
    return {name: value for name, value in dataclasses.asdict(report).items() if isinstance(value, int)}
