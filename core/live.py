"""Channel-layer group names for live updates, and the one way to end a person's open sockets.

A leaf like the rest of `core`: services in any app can tell sockets to close without
importing the project shell that runs the consumers. Group names carry the organisation's
schema, so one organisation's events never reach another's sockets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from core.after_commit import send_after_commit

# The event type the consumer answers by closing the socket (`PresenceConsumer.session_close`).
CLOSE_EVENT = "session.close"
# The event type the consumer relays to the browser (`PresenceConsumer.notify`).
NOTIFY_EVENT = "notify"


def organisation_group(schema: str) -> str:
    """Every signed-in member of the organisation with this schema."""
    return f"{schema}.organisation"


def person_group(schema: str, user_id: int) -> str:
    """One person's sockets on one organisation's host."""
    return f"{schema}.user.{user_id}"


def session_tag(session_key: str | None) -> str:
    """A non-secret label for a session (the key itself is a credential and stays out of the layer)."""
    if not session_key:
        return ""
    return hashlib.sha256(f"hub-session:{session_key}".encode()).hexdigest()[:32]


def sockets_close(*, user_id: int, schemas: Iterable[str], session_key: str | None = None, reason: str) -> None:
    """After commit, close `user_id`'s open sockets on each organisation schema in `schemas`.

    With `session_key`, only sockets opened with that session close (sign-out from one
    browser leaves the others); without it, every socket of the person does. `reason` is
    a short code (``signed_out``, ``deactivated``, ``membership_removed``) sent to the
    browser; it names no one. A rolled-back change closes nothing.
    """
    message = {"type": CLOSE_EVENT, "reason": reason, "session": session_tag(session_key)}
    for schema in sorted(set(schemas)):
        send_after_commit(person_group(schema, user_id), message)


def members_notify(*, schema: str, payload: dict[str, Any], scope: str) -> None:
    """After commit, tell the members of the organisation with `schema` who hold `scope` *now*.

    `scope` (a `tenants.scopes.Scope`; a plain string here because `core` imports no app) is
    required: name the right that may open what the notification points to. The consumer
    checks it against each socket's current membership before delivery and sends an event
    without one to nobody. `payload` carries ids and short codes only, never names of people.
    Raises ValueError for an empty scope.
    """
    if not scope:
        raise ValueError("A notification must name the scope that may see it.")
    send_after_commit(organisation_group(schema), {"type": NOTIFY_EVENT, "payload": payload, "scope": str(scope)})


def recipients_pack(each: Mapping[int, tuple[int, int]]) -> str:
    """Pack {user id: (notification id, unread count)} as ";uid:id:unread;…;" for one group message.

    A string, not a dict: the in-memory layer deep-copies a message for every socket of the group
    (a 1,000-entry dict costs ~1.6 ms to copy, ×1,000 sockets), while a string is shared as is, and
    a socket finds its own entry with one substring search instead of decoding the whole map.
    """
    return ";" + ";".join(f"{int(user_id)}:{int(a)}:{int(b)}" for user_id, (a, b) in each.items()) + ";"


def recipients_entry(packed: str, user_id: int) -> tuple[int, int] | None:
    """This person's (notification id, unread count) from `recipients_pack`'s string; None if absent."""
    start = packed.find(f";{int(user_id)}:")
    if start < 0:
        return None
    entry = packed[start + 1 : packed.index(";", start + 1)].split(":")
    return int(entry[1]), int(entry[2])


def people_notify(*, schema: str, scope: str, shared: dict[str, Any], each: Mapping[int, tuple[int, int]]) -> None:
    """After commit, ONE message to the organisation's group carrying each recipient's own bits.

    `shared` is the payload every recipient gets (no per-person fields); `each` maps a user id to
    that person's (notification id, unread count), which the consumer adds as ``id`` and
    ``unread``. A socket whose person is not in `each` does nothing; one whose person is still
    has its session, membership and `scope` checked before delivery, as `members_notify`'s are.
    The browser receives only its own id and count, never the map. Raises ValueError for an
    empty scope.
    """
    if not scope:
        raise ValueError("A notification must name the scope that may see it.")
    send_after_commit(
        organisation_group(schema),
        {"type": NOTIFY_EVENT, "scope": str(scope), "payload": dict(shared), "each": recipients_pack(each)},
    )
