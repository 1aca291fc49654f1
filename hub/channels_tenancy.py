"""django-tenants has no WebSocket support: resolve the organisation from the Host header here.

Consumers get `scope["tenant_schema"]` and `scope["tenant_id"]` (or the connection is
closed for an unknown host). They must enter `schema_context(scope["tenant_schema"])`
inside each `database_sync_to_async` function, so the schema switch and the queries run on
the same thread's connection, and prefix channel-layer group names with the schema.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django_tenants.utils import schema_context

from hub.hosts import normalise_host


def _host(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"host":
            return normalise_host(value.decode("latin-1"))
    return ""


@database_sync_to_async
def _tenant_for_host(host: str) -> tuple[int, str] | None:
    from tenants.models import Domain

    with schema_context("public"):
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        return (domain.tenant.pk, domain.tenant.schema_name) if domain else None


class TenantFromHostMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        found = await _tenant_for_host(_host(scope))
        if found is None:
            await send({"type": "websocket.close", "code": 4404})
            return None
        scope = dict(scope, tenant_id=found[0], tenant_schema=found[1])
        return await self.app(scope, receive, send)
