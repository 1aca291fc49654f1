"""The project shell: settings, URLs, ASGI, the dashboard, and the background worker's app."""

from hub.celery import app as celery_app

__all__ = ["celery_app"]
