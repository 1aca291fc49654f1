"""Background work for welfare: retention destruction (CELERY_BEAT_SCHEDULE "welfare-retention-destruction").

The nightly job fans out one task per organisation (tenant-schemas-celery carries the schema), so
one organisation's failure does not stop the others. Only cases a reviewer approved at
/welfare/retention/ are destroyed; the task is the same run as `manage.py welfare_retention_destroy`.
"""

from __future__ import annotations

import logging

from celery import shared_task

from hub.celery import fan_out, organisation_schemas

logger = logging.getLogger("hub.tasks")


class RetentionDestroyFailed(Exception):
    """Some approved cases could not be destroyed (each left whole); carries case ids only."""


@shared_task(name="welfare.retention_destroy")
def retention_destroy() -> int:
    """Destroy the approved, still-due closed cases of the task's organisation; returns how many were destroyed.

    Raises `RetentionDestroyFailed` (case ids and error class names only) after the others if any failed.
    """
    from django.db import connection

    from tenants.models import Organisation
    from welfare.retention import retention_destroy_run

    organisation = Organisation.objects.get(schema_name=connection.schema_name)
    report = retention_destroy_run(organisation=organisation)
    if report.failed:
        detail = ", ".join(f"case {case_id}: {error}" for case_id, error in sorted(report.failed.items()))
        raise RetentionDestroyFailed(f"{organisation.schema_name}: {detail}")
    return len(report.destroyed)


@shared_task(name="welfare.retention_destroy_all")
def retention_destroy_all() -> int:
    """Queue one retention task per organisation (not the platform's); returns how many were queued.

    Raises `hub.celery.FanOutError` after queuing the rest if some could not be queued."""
    return fan_out(retention_destroy, organisation_schemas(include_platform=False))
