"""The background worker: Celery, tenant-aware (tenant-schemas-celery).

A task runs in the schema that was current when it was queued (the ``_schema_name`` header),
so queue organisation work inside `django_tenants.utils.schema_context(schema)`; tasks take
ids, never records, and load what they need in the worker. The broker is Redis when
``REDIS_URL`` is set and a folder under ``var/celery`` otherwise (one machine, no Redis);
``python3 dev.py serve`` starts a worker with the beat scheduler beside the web server.
Like manage.py it never picks settings itself: run it with DJANGO_SETTINGS_MODULE set.
"""

from __future__ import annotations

from pathlib import Path

from tenant_schemas_celery.app import CeleryApp

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
