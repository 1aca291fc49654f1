"""The background worker: Celery, tenant-aware (tenant-schemas-celery).

A task runs in the schema that was current when it was queued (the ``_schema_name`` header),
so queue organisation work inside `django_tenants.utils.schema_context(schema)`; tasks take
ids, never records, and load what they need in the worker. The broker is Redis when
``REDIS_URL`` is set and a folder under ``var/celery`` otherwise (one machine, no Redis);
``python3 dev.py serve`` starts a worker with the beat scheduler beside the web server.
Like manage.py it never picks settings itself: run it with DJANGO_SETTINGS_MODULE set.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from tenant_schemas_celery.app import CeleryApp

logger = logging.getLogger("hub.tasks")

app = CeleryApp("hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _folder_broker_ready(sender: CeleryApp, **kwargs: object) -> None:
    """The folder broker (no REDIS_URL) needs its folders before the first message."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


def organisation_schemas(*, include_platform: bool = True) -> list[str]:
    """The schema names of every organisation (never the public schema), sorted.

    `include_platform=False` leaves out the platform organisation (the operators' own), which
    holds no casework. Needs Django set up (call it from a task, not at import time).
    """
    from django_tenants.utils import get_public_schema_name

    from tenants.models import Organisation, OrganisationKind

    found = Organisation.objects.exclude(schema_name=get_public_schema_name())
    if not include_platform:
        found = found.exclude(kind=OrganisationKind.PLATFORM)
    return list(found.order_by("schema_name").values_list("schema_name", flat=True))


def fan_out(task: Any, schemas: list[str]) -> int:
    """Queue `task` (no arguments) once per schema in `schemas`, each in its own schema; returns how many went.

    tenant-schemas-celery puts the schema current at queue time into the message, so each child
    runs in its organisation's schema on the worker and fails or succeeds alone. Queuing one can
    still raise (the broker is down; or, with CELERY_TASK_ALWAYS_EAGER, the child itself failed):
    that one is logged by schema name only and the rest are still queued; if any failed,
    `FanOutError` is raised after the last one, so the parent task is marked failed too.
    """
    from django_tenants.utils import schema_context

    failed: list[str] = []
    for schema in schemas:
        try:
            with schema_context(schema):
                task.delay()
        except Exception as error:  # noqa: BLE001 (one organisation's failure must not stop the others)
            failed.append(schema)
            logger.error("Task %s failed to queue or run for %s: %s", task.name, schema, type(error).__name__)
    if failed:
        raise FanOutError(task.name, failed, queued=len(schemas) - len(failed))
    return len(schemas)


class FanOutError(Exception):
    """Some organisations' tasks of a fan-out could not be queued (or, eagerly, failed); the others went."""

    def __init__(self, task_name: str, schemas: list[str], *, queued: int) -> None:
        self.task_name, self.schemas, self.queued = task_name, schemas, queued
        super().__init__(f"{task_name}: {len(schemas)} organisation(s) failed ({', '.join(schemas)}); {queued} queued")
