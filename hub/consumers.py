"""Live channel for signed-in members of the organisation whose host this is.

It joins the person to two groups (the organisation's and their own), both prefixed
with the schema, and relays what services send there with `core.after_commit`.

A socket lives only as long as what admitted it: services send `session.close` to the
person's group on sign-out, deactivation and removal (`core.live.sockets_close`), and
before delivering each notification the consumer checks again that the session still
exists and has not expired, the account is active, the membership stands and that the
membership holds the `scope` the event names (a `tenants.scopes.Scope` value) now. An event
naming no scope reaches no one (`core.live.members_notify` requires one).
"""

from __future__ import annotations

from enum import Enum
from importlib import import_module
from typing import Any

from asgiref.sync import SyncToAsync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django_tenants.utils import schema_context, tenant_context

from core.live import organisation_group, person_group, session_tag

__all__ = ["PresenceConsumer", "organisation_group", "person_group"]

NOT_HERE = 4404  # the same close for "not a member" and "no such place"
SESSION_ENDED = 4401  # signed out, disabled or removed since the socket opened


class Delivery(Enum):
    SEND = "send"
    SKIP = "skip"  # still a member, but the event needs a scope they do not hold
    CLOSE = "close"  # no longer admitted at all


class _KeptConnection(SyncToAsync):
    """Like channels' `database_sync_to_async`, but keeps the thread's database connection open.

    `database_sync_to_async` closes the connection after every call (`CONN_MAX_AGE=0`), so
    each check opened a new PostgreSQL connection, which cost more than the check's query. The
    consumers' calls all run on the process's one thread-sensitive executor thread, which lives
    as long as the process, so a connection kept there is not the leak `CONN_MAX_AGE=0` guards
    against (a connection left behind on a request's finished thread). A call that fails because
    the connection broke (the server restarted, say) is retried once on a new connection.
    """

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().thread_handler(loop, *args, **kwargs)
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise
            connection.close()
            return super().thread_handler(loop, *args, **kwargs)


@_KeptConnection
def _is_member(user_id: int, organisation_id: int, schema: str) -> bool:
    from tenants.models import Membership

    with schema_context(schema):
        return Membership.objects.filter(
            user_id=user_id, organisation_id=organisation_id, user__is_active=True
        ).exists()


def _session_live(session_key: str | None) -> bool:
    """Whether the session that opened the socket is still there AND unexpired, as pages see it.

    Loaded through the configured session engine, which treats a row past its `expire_date`
    as gone (`SessionStore.exists` does not: an expired row lingers until `clearsessions`).
    Only used for a session engine other than the database one (`delivery_verdict` folds the
    database engine's check into its one query).
    """
    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    store.load()
    return store.session_key is not None


_DB_SESSIONS = "django.contrib.sessions.backends.db"


def _admission(user_id: int, organisation_id: int, session_key: str | None) -> list[str] | None:
    """The member's roles if the session is live, the account active and the membership there; else None.

    One query with the database session engine (membership ⋈ user, and EXISTS on an unexpired
    session row); two with any other engine.
    """
    from django.contrib.sessions.models import Session
    from django.db.models import Exists
    from django.utils import timezone

    from tenants.models import Membership

    if not session_key:
        return None
    rows = Membership.objects.filter(user_id=user_id, organisation_id=organisation_id, user__is_active=True)
    if settings.SESSION_ENGINE == _DB_SESSIONS:
        live = Session.objects.filter(session_key=session_key, expire_date__gt=timezone.now())
        found = list(rows.filter(Exists(live)).order_by().values_list("roles", flat=True)[:1])
    else:
        if not _session_live(session_key):
            return None
        found = list(rows.order_by().values_list("roles", flat=True)[:1])
    return found[0] if found else None


def delivery_verdict(
    user_id: int, organisation_id: int, schema: str, session_key: str | None, scope: str | None
) -> Delivery:
    """Whether this socket may still receive an event needing `scope` (an event without one: nobody).

    CLOSE when the session ended or expired, the account was deactivated or the membership
    removed; SKIP when still a member but without `scope` now (or the event names no scope or
    an unknown one); SEND otherwise. One query when the roles' own scopes decide it; the
    organisation's scope providers (its procedure, named deputies) are asked only otherwise.
    """
    from tenants.models import Membership
    from tenants.scopes import Scope, scopes_for_roles, scopes_of

    roles = _admission(user_id, organisation_id, session_key)
    if roles is None:
        return Delivery.CLOSE
    if not scope:
        return Delivery.SKIP  # fail closed: an event that names no right goes to no one
    try:
        needed = Scope(scope)
    except ValueError:
        return Delivery.SKIP  # an event naming an unknown right goes to no one
    if needed in scopes_for_roles(roles):
        return Delivery.SEND
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(user_id=user_id, organisation_id=organisation_id, user__is_active=True)
        .first()
    )
    if membership is None:
        return Delivery.CLOSE
    with tenant_context(membership.organisation):
        return Delivery.SEND if needed in scopes_of(membership) else Delivery.SKIP


_delivery = _KeptConnection(delivery_verdict)


class PresenceConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        schema, tenant_id = self.scope["tenant_schema"], self.scope["tenant_id"]
        if user is None or not user.is_authenticated or not await _is_member(user.pk, tenant_id, schema):
            await self.close(code=NOT_HERE)
            return
        self.user_id = user.pk
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.groups_joined = [organisation_group(schema), person_group(schema, user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "organisation": schema})

    async def disconnect(self, code: int) -> None:
        await self._leave_groups()

    async def _leave_groups(self) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    async def _end(self) -> None:
        await self._leave_groups()
        await self.close(code=SESSION_ENDED)

    async def session_close(self, event: dict[str, Any]) -> None:
        """`core.live.sockets_close`: for every socket of the person, or only the named session's."""
        wanted = event.get("session") or ""
        if not wanted or wanted == session_tag(self.session_key):
            await self._end()

    async def notify(self, event: dict[str, Any]) -> None:
        if not getattr(self, "groups_joined", None):
            return  # already closed; a message queued before the close is dropped
        verdict = await _delivery(
            self.user_id, self.scope["tenant_id"], self.scope["tenant_schema"], self.session_key, event.get("scope")
        )
        if verdict is Delivery.CLOSE:
            await self._end()
        elif verdict is Delivery.SEND:
            await self.send_json({"type": "notification", "payload": event.get("payload", {})})
