"""Live channel for signed-in members of the organisation whose host this is.

It joins the person to two groups (the organisation's and their own), both prefixed
with the schema, and relays what services send there with `core.after_commit`.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_tenants.utils import schema_context


def organisation_group(schema: str) -> str:
    return f"{schema}.organisation"


def person_group(schema: str, user_id: int) -> str:
    return f"{schema}.user.{user_id}"


@database_sync_to_async
def _is_member(user_id: int, organisation_id: int, schema: str) -> bool:
    from tenants.models import Membership

    with schema_context(schema):
        return Membership.objects.filter(
            user_id=user_id, organisation_id=organisation_id, user__is_active=True
        ).exists()


class PresenceConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        schema, tenant_id = self.scope["tenant_schema"], self.scope["tenant_id"]
        if user is None or not user.is_authenticated or not await _is_member(user.pk, tenant_id, schema):
            await self.close(code=4404)  # Same answer for "not a member" and "no such place".
            return
        self.groups_joined = [organisation_group(schema), person_group(schema, user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "organisation": schema})

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def notify(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "notification", "payload": event.get("payload", {})})
