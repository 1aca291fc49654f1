#!/bin/sh
# The production image's entry point: the first argument names the role.
#   web      uvicorn serving hub.asgi (HTTP and WebSockets) on $PORT (8000), HUB_WEB_WORKERS processes
#            (default 1: scale by containers, so each container's pool budget stays one process's).
#   worker   the Celery worker (background tasks, one per organisation for fan-out jobs)
#   beat     the Celery beat scheduler: run exactly ONE, anywhere
#   migrate  migrate the public schema, then every organisation's schema in parallel (progress n/N),
#            then check that no organisation misses a migration (exit 1 if one does)
#   manage   any manage.py command, e.g. `manage organisation_create ...`
# Anything else is executed as given. Settings come from the environment (hub.settings.production).
set -eu

role="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$role" in
  web)
    # No --proxy-headers: Django reads X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and the client
    # address (HUB_TRUSTED_PROXY_COUNT) itself, once, for HTTP and WebSockets alike.
    exec uvicorn hub.asgi:application \
      --host 0.0.0.0 --port "${PORT:-8000}" \
      --workers "${HUB_WEB_WORKERS:-1}" \
      --no-proxy-headers --no-server-header \
      --timeout-graceful-shutdown 20 "$@"
    ;;
  worker)
    exec celery -A hub.celery worker --loglevel "${HUB_LOG_LEVEL:-INFO}" "$@"
    ;;
  beat)
    # The schedule's state lives in /tmp (an emptyDir or tmpfs): beat recomputes it on start.
    exec celery -A hub.celery beat --loglevel "${HUB_LOG_LEVEL:-INFO}" --schedule /tmp/celerybeat-schedule "$@"
    ;;
  migrate)
    exec python manage.py migrate_organisations --processes "${HUB_MIGRATE_PROCESSES:-4}" "$@"
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
