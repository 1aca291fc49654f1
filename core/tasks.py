"""Background work for the audit trail: the hourly signed checkpoints (CELERY_BEAT_SCHEDULE "audit-checkpoints")."""

from __future__ import annotations

import logging

from celery import shared_task

from core.audit import audit_checkpoint

logger = logging.getLogger("hub.audit")


@shared_task(name="core.audit_checkpoint_all")
def audit_checkpoint_all() -> int:
    """Sign a checkpoint for every audit chain that grew since its last one; returns how many were signed.

    A broken chain gets none, and its problems are logged as errors (ids and chain names only).
    """
    created, problems = audit_checkpoint()
    for problem in problems:
        logger.error("Audit chain broken, no checkpoint signed: %s", problem)
    return len(created)
