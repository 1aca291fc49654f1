"""Live channel for signed-in members of the organisation whose host this is.

It joins the person to two groups (the organisation's and their own), both prefixed
with the schema, and relays what services send there with `core.after_commit`.

A socket lives only as long as what admitted it: services send `session.close` to the
person's group on sign-out, deactivation and removal (`core.live.sockets_close`), and
before delivering each notification the consumer checks again that the session still
exists and has not expired, the account is active, the membership stands and that the
membership holds the `scope` the event names (a `tenants.scopes.Scope` value) now. An event
naming no scope reaches no one (`core.live.members_notify` requires one). A notification to
many people is one message to the organisation's group with each recipient's own id and count
(`core.live.people_notify`); every other member's socket ignores it.
"""

from __future__ import annotations

import asyncio
import weakref
from enum import Enum
from importlib import import_module
from typing import Any

from asgiref.sync import SyncToAsync
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django_tenants.utils import schema_context, tenant_context

from core.live import CLOSE_EVENT, NOTIFY_EVENT, organisation_group, person_group, recipients_entry, session_tag

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


@_KeptConnection
def _second_factor_passed(user_id: int, organisation_id: int, session: Any) -> bool:
    """Whether the session may open a socket as far as two-factor sign-in goes (as pages: tenants.two_factor)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from tenants.two_factor import socket_admits

    device_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    return socket_admits(user_id=user_id, organisation_id=organisation_id, device_id=device_id)


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


# One socket's question before a delivery: (user id, organisation id, session key, the event's scope).
Check = tuple[int, int, str | None, str | None]


def _admissions(checks: list[Check]) -> list[list[str] | None]:
    """`_admission` for many sockets: one membership query and one session query for all of them."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from tenants.models import Membership

    if len(checks) == 1 or settings.SESSION_ENGINE != _DB_SESSIONS:
        return [_admission(user_id, org_id, key) for user_id, org_id, key, _ in checks]
    keys = {key for _, _, key, _ in checks if key}
    live = set(
        Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
    roles = {
        (user_id, org_id): held
        for user_id, org_id, held in Membership.objects.filter(
            user_id__in={c[0] for c in checks}, organisation_id__in={c[1] for c in checks}, user__is_active=True
        )
        .order_by()
        .values_list("user_id", "organisation_id", "roles")
    }
    return [roles.get((user_id, org_id)) if key in live else None for user_id, org_id, key, _ in checks]


def delivery_verdicts(checks: list[Check]) -> list[Delivery]:
    """For each socket's `Check`: may it still receive an event needing that scope (none: nobody)?

    CLOSE when the session ended or expired, the account was deactivated or the membership
    removed; SKIP when still a member but without the scope now (or the event names no scope or
    an unknown one); SEND otherwise. One query for one socket and two for many, when the roles'
    own scopes decide; the organisation's scope providers (its procedure, named deputies) are
    asked only about the sockets whose roles alone do not grant the scope, all of them together
    (`tenants.scopes.scopes_of_many`: a few more queries per organisation, not per socket).
    """
    from tenants.models import Membership
    from tenants.scopes import Scope, scopes_for_roles, scopes_of_many

    verdicts: list[Delivery] = []
    ask_providers: list[tuple[int, Scope]] = []  # (index into checks, the scope needed)
    for index, ((_, _, _, scope), roles) in enumerate(zip(checks, _admissions(checks), strict=True)):
        if roles is None:
            verdicts.append(Delivery.CLOSE)
            continue
        try:
            needed = Scope(scope) if scope else None
        except ValueError:
            needed = None  # an event naming an unknown right goes to no one
        if needed is None:
            verdicts.append(Delivery.SKIP)  # fail closed: an event that names no right goes to no one
        elif needed in scopes_for_roles(roles):
            verdicts.append(Delivery.SEND)
        else:
            verdicts.append(Delivery.SKIP)  # decided below by the providers
            ask_providers.append((index, needed))
    if ask_providers:
        wanted = [(checks[index][0], checks[index][1]) for index, _ in ask_providers]
        found = {
            (m.user_id, m.organisation_id): m
            for m in Membership.objects.select_related("user", "organisation").filter(
                user_id__in={u for u, _ in wanted}, organisation_id__in={o for _, o in wanted}, user__is_active=True
            )
        }
        memberships = [found.get(pair) for pair in wanted]
        organisations = {m.organisation_id: m.organisation for m in memberships if m is not None}
        if len(organisations) == 1:
            with tenant_context(next(iter(organisations.values()))):
                held = scopes_of_many(memberships)
        else:
            held = scopes_of_many(memberships)
        for (index, needed), membership, scopes in zip(ask_providers, memberships, held, strict=True):
            if membership is None:
                verdicts[index] = Delivery.CLOSE
            else:
                verdicts[index] = Delivery.SEND if needed in scopes else Delivery.SKIP
    return verdicts


def delivery_verdict(
    user_id: int, organisation_id: int, schema: str, session_key: str | None, scope: str | None
) -> Delivery:
    """`delivery_verdicts` for one socket (`schema` is the organisation's; kept for callers)."""
    return delivery_verdicts([(user_id, organisation_id, session_key, scope)])[0]


_verdicts = _KeptConnection(delivery_verdicts)


class _Batcher:
    """Answers the checks of every socket in this process that an event reached, together.

    A broadcast reaches hundreds of sockets at once; each asks here, and the checks that arrive
    while one batch is with the database form the next batch (one database call for all).
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Check, asyncio.Future[Delivery]]] = []
        self.draining = False

    async def verdict(self, check: Check) -> Delivery:
        future: asyncio.Future[Delivery] = asyncio.get_running_loop().create_future()
        self.pending.append((check, future))
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.pending:
                await asyncio.sleep(0)  # let the other sockets the same event woke join this batch
                batch, self.pending = self.pending, []
                try:
                    verdicts = await _verdicts([check for check, _ in batch])
                except Exception as error:  # noqa: BLE001 - handed to every waiting socket
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), verdict in zip(batch, verdicts, strict=True):
                    if not future.done():
                        future.set_result(verdict)
        finally:
            self.draining = False


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Batcher] = weakref.WeakKeyDictionary()


async def _delivery(user_id: int, organisation_id: int, session_key: str | None, scope: str | None) -> Delivery:
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = _batchers[loop] = _Batcher()
    return await batcher.verdict((user_id, organisation_id, session_key, scope))


# Channel-layer events the consumer relays without channels' per-message connection cleanup.
_RELAYED = frozenset({NOTIFY_EVENT, CLOSE_EVENT})


class PresenceConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        schema, tenant_id = self.scope["tenant_schema"], self.scope["tenant_id"]
        if user is None or not user.is_authenticated or not await _is_member(user.pk, tenant_id, schema):
            await self.close(code=NOT_HERE)
            return
        if not await _second_factor_passed(user.pk, tenant_id, self.scope.get("session")):
            await self.close(code=NOT_HERE)  # the pages send this session to the code step first
            return
        self.user_id = user.pk
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.groups_joined = [organisation_group(schema), person_group(schema, user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "organisation": schema})

    async def dispatch(self, message: dict[str, Any]) -> None:
        """channels' dispatch, minus its `aclose_old_connections` hop for the relayed events.

        channels runs `close_old_connections` through the process's one thread-sensitive executor
        before every handler. One notification to 1,000 people wakes 1,000 sockets at once, and
        those hops, one after another on that one thread, cost about 200 ms in the benchmark before
        the last check could run (and closed the connection `_KeptConnection` keeps). The relayed
        events touch the database only through `_KeptConnection`, which reopens a broken connection
        itself; every other message (connect, receive, disconnect) goes through channels' own dispatch.
        """
        if message.get("type") in _RELAYED:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)

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
        """Relay a notification after re-checking this socket's right to it.

        An event with ``each`` (`core.live.people_notify`, one message to the whole organisation)
        is for the people packed in it only: another person's socket does nothing, and the
        person's own socket gets the shared payload plus its own ``id`` and ``unread``.
        """
        if not getattr(self, "groups_joined", None):
            return  # already closed; a message queued before the close is dropped
        payload = event.get("payload", {})
        packed = event.get("each")
        if packed is not None:
            own = recipients_entry(str(packed), self.user_id)
            if own is None:
                return  # addressed to other members of the organisation
            payload = {**payload, "id": own[0], "unread": own[1]}
        verdict = await _delivery(self.user_id, self.scope["tenant_id"], self.session_key, event.get("scope"))
        if verdict is Delivery.CLOSE:
            await self._end()
        elif verdict is Delivery.SEND:
            await self.send_json({"type": "notification", "payload": payload})
