"""ASGI entry point: HTTP through Django, WebSockets through Channels with the tenant resolved from the host.

It never picks settings for itself (DJANGO_SETTINGS_MODULE must be set; `dev.py` sets the
development ones), and it refuses to load when the master key is missing, malformed or
not this database's (`hub.startup.require_master_key`), so a server cannot start serving
and wrap new organisations' keys under the wrong key.
"""

from hub.startup import require_master_key, settings_module_or_exit

settings_module_or_exit("hub.asgi")

from django.conf import settings  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()


def _check_master_key_before_serving() -> None:
    """`require_master_key()`, on a helper thread when this module is imported inside an event loop.

    uvicorn's worker processes (`--workers N`) import the application from inside their running
    loop, where Django refuses database queries (SynchronousOnlyOperation); the check still
    finishes (or raises) before the module, and so the server, is ready.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        require_master_key()
        return
    with ThreadPoolExecutor(max_workers=1) as executor:
        executor.submit(require_master_key).result()


if settings.HUB_STARTUP_KEY_CHECK:
    _check_master_key_before_serving()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from hub.channels_tenancy import TenantFromHostMiddleware  # noqa: E402
from hub.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            TenantFromHostMiddleware(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
