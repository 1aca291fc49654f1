#!/bin/sh
# The production image's entry point: the first argument names the role.
#   web      uvicorn serving hub.asgi (HTTP and WebSockets) on $PORT (8000), HUB_WEB_WORKERS processes
#            (default 1). Prefer 1 and more containers or pods: the orchestrator then sees, probes and
#            restarts each process. (Several work too: hub/asgi.py runs its start-up master-key check
#            on a helper thread when uvicorn's workers import it inside their event loop.)
#   worker   the Celery worker (background tasks, one per organisation for fan-out jobs)
#   beat     the Celery beat scheduler: run exactly ONE, anywhere
#   migrate  migrate the public schema, then every organisation's schema in parallel (progress n/N,
#            HUB_MIGRATE_PROCESSES processes, default 4), then check that every organisation schema
#            records every migration (exits non-zero if one misses any)
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
    # Public first, then every organisation in parallel with progress (n/N); it checks every schema
    # at the end too, and migrations_verify says again, on its own, whether any organisation misses one.
    python manage.py migrate_organisations --processes "${HUB_MIGRATE_PROCESSES:-4}" "$@"
    exec python manage.py migrations_verify
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
