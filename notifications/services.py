"""The one way to notify people, and what a person does with their notifications.

`notify` stores one notification per person who holds the right *now*, in the organisation's
own schema and inside the caller's transaction; after that transaction commits it pushes the
new unread count to the person's open sockets and queues the emails their preferences ask
for. A rolled-back change stores nothing, sends nothing and emails nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context

from core.after_commit import run_after_commit, send_after_commit
from core.live import NOTIFY_EVENT, people_notify, person_group
from notifications.kinds import DEFAULT_DELIVERY, Delivery, Kind
from notifications.models import Notification, Preference
from tenants.models import Membership, Organisation, User
from tenants.scopes import Scope, scopes_of, scopes_of_many

MAX_TEXT = 200
# Up to this many recipients, one channel-layer message to each person's group; above it, ONE
# message to the organisation's group carrying each recipient's id and count (`core.live.people_notify`),
# which every socket of the organisation receives and all but the recipients' ignore.
PERSON_SENDS_MAX = 5

# Object-level rights re-checked at delivery, per kind: (user, object_id) -> still allowed.
# An assignment (the decision-maker a request was escalated to, a case's team) is a right too.
ObjectCheck = Callable[[User, int], bool]
_OBJECT_CHECKS: dict[str, ObjectCheck] = {}


def register_object_check(kind: Kind, check: ObjectCheck) -> ObjectCheck:
    """Declare the object right a `kind` needs beside its scope; run in the organisation's schema.

    Called at every delivery (live, email, digest, the notification centre) with the recipient
    and the notification's `object_id`; a False drops the notification for that person.
    """
    _OBJECT_CHECKS[str(kind)] = check
    return check


def is_local_path(url: str) -> bool:
    """Whether `url` is a path on this host as a browser reads it too: "/x/…", never "//host" nor "/\\host".

    Backslashes and control characters are refused outright: browsers drop tabs and line breaks
    from a link and read a backslash as a slash, so "/\t/evil.example" would leave the host, and
    PostgreSQL cannot store a NUL.
    """
    return (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and not any(ord(c) < 32 or ord(c) == 127 for c in url)
    )


def _schema_of(organisation: Organisation | str) -> tuple[Organisation, str]:
    if isinstance(organisation, Organisation):
        return organisation, organisation.schema_name
    return Organisation.objects.get(schema_name=organisation), organisation


def holders(organisation: Organisation, scope: Scope, users: Iterable[int] | None = None) -> list[Membership]:
    """The active members of `organisation` who hold `scope` now (optionally only `users`), by user id.

    A constant number of queries however many members (`tenants.scopes.scopes_of_many`).
    """
    return [m for m, _ in _holders_with_scopes(organisation, scope, users)]


def _holders_with_scopes(
    organisation: Organisation, scope: Scope, users: Iterable[int] | None = None
) -> list[tuple[Membership, frozenset[Scope]]]:
    memberships = Membership.objects.select_related("user", "organisation").filter(
        organisation=organisation, user__is_active=True
    )
    if users is not None:
        memberships = memberships.filter(user_id__in=list(users))
    found = list(memberships.order_by("user_id"))
    return [(m, held) for m, held in zip(found, scopes_of_many(found), strict=True) if scope in held]


def still_allowed(notification: Notification, membership: Membership | None) -> bool:
    """Whether the recipient may still see `notification`: its scope held now, and its object right."""
    if membership is None or not membership.user.is_active:
        return False
    try:
        scope = Scope(notification.scope)
    except ValueError:
        return False
    if scope not in scopes_of(membership):
        return False
    check = _OBJECT_CHECKS.get(notification.kind)
    if check is not None and notification.object_id is not None:
        return check(membership.user, notification.object_id)
    return True


def notify(
    kind: Kind,
    *,
    organisation: Organisation | str,
    scope: Scope,
    text: str,
    url: str,
    object_id: int | None = None,
    users: Iterable[int] | None = None,
    key: str = "",
) -> list[Notification]:
    """Notify the members of `organisation` (or its schema name) who hold `scope` now.

    * `text`: what kind of thing happened where, at most 200 characters, e.g. "Eastbrook
      University shared 2 speaker checks matching an open request". Never a speaker's,
      student's or case subject's name: it is shown in the header and sent by email.
    * `url`: a path on that organisation's host ("/exchange/…"), where the recipient's own
      rights are checked again.
    * `users`: only these people (an assignment), who must still hold `scope` as well.
    * `object_id`: the record it is about, for the object check registered for `kind`.
    * `key`: notify each person once per key (sweeps run daily); repeated calls store nothing new.

    Returns the notifications stored (none when nobody holds the right). Raises ValueError
    for an empty or over-long `text` or a `url` that is not a path on the hub.
    """
    text = " ".join(text.split())
    if not text or len(text) > MAX_TEXT:
        raise ValueError(f"A notification's text must be 1 to {MAX_TEXT} characters.")
    if not is_local_path(url) or len(url) > Notification._meta.get_field("url").max_length:  # type: ignore[operator]
        raise ValueError(
            "A notification's url must be a path on the organisation's host, starting with one '/', "
            "without backslashes or control characters."
        )
    org, schema = _schema_of(organisation)
    with_scopes = _holders_with_scopes(org, scope, users)
    held = {m.user_id: scopes for m, scopes in with_scopes}
    recipients = [m for m, _ in with_scopes]
    if not recipients:
        return []
    with schema_context(schema):
        check = _OBJECT_CHECKS.get(str(kind))
        if check is not None and object_id is not None:
            recipients = [m for m in recipients if check(m.user, object_id)]
        if key:
            done = set(
                Notification.objects.filter(
                    kind=kind, key=key, recipient_id__in=[m.user_id for m in recipients]
                ).values_list("recipient_id", flat=True)
            )
            recipients = [m for m in recipients if m.user_id not in done]
        stored = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=m.user_id, kind=kind, scope=str(scope), text=text, url=url,
                    object_id=object_id, key=key,
                )
                for m in recipients
            ]
        )  # fmt: skip
        # The count the header shows after a reload (the centre's rules), so live and reload agree.
        unread = unread_counts([(m, held[m.user_id]) for m in recipients])
        chosen = deliveries(kind, [n.recipient_id for n in stored])
    if len(stored) <= PERSON_SENDS_MAX:
        for notification in stored:
            send_after_commit(
                person_group(schema, notification.recipient_id),
                {"type": NOTIFY_EVENT, "scope": str(scope), "payload": live_payload(notification, unread)},
            )
    else:
        people_notify(
            schema=schema,
            scope=str(scope),
            shared={"event": "notification", "kind": str(kind), "text": text, "url": url},
            each={n.recipient_id: (n.pk, unread.get(n.recipient_id, 0)) for n in stored},
        )
    to_email = [n.pk for n in stored if chosen[n.recipient_id] == Delivery.EMAIL]
    if to_email:
        run_after_commit(lambda: _queue_emails(schema, to_email))
    return stored


def live_payload(notification: Notification, unread: dict[int, int]) -> dict[str, Any]:
    """What an open page receives: ids, kind, the safe text and link, and the new unread count."""
    return {
        "event": "notification",
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "unread": unread.get(notification.recipient_id, 0),
    }


def _queue_emails(schema: str, notification_ids: list[int]) -> None:
    from notifications.tasks import email_notifications

    with schema_context(schema):
        email_notifications.delay(notification_ids)


def deliveries(kind: Kind | str, user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's chosen delivery for `kind` in the current schema ({user_id: Delivery value})."""
    ids = list(user_ids)
    chosen = dict(Preference.objects.filter(kind=kind, user_id__in=ids).values_list("user_id", "delivery"))
    default = DEFAULT_DELIVERY[str(kind)]
    return {user_id: chosen.get(user_id, default) for user_id in ids}


def preferences_of(user: User) -> dict[str, str]:
    """{kind: delivery} for every kind, in the current schema, defaults filled in."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in Kind.values}


@transaction.atomic
def preferences_set(user: User, choices: dict[str, str]) -> dict[str, str]:
    """Store `choices` ({kind: delivery}) for `user` in the current schema; returns all preferences.

    Raises django ValidationError naming the kind for an unknown kind or delivery.
    """
    from django.core.exceptions import ValidationError

    errors = {}
    for kind, delivery in choices.items():
        if kind not in Kind.values:
            errors[kind] = f"Unknown kind of notification; choose one of: {', '.join(Kind.values)}."
        elif delivery not in Delivery.values:
            errors[kind] = f"Choose one of: {', '.join(Delivery.values)}."
    if errors:
        raise ValidationError(errors)
    for kind, delivery in choices.items():
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
    return preferences_of(user)


def visible(membership: Membership) -> QuerySet[Notification]:
    """The person's notifications in the current schema whose scope they still hold, newest first.

    Object rights are checked per row by `still_allowed` where a page shows them.
    """
    held = [str(s) for s in scopes_of(membership)]
    return Notification.objects.filter(recipient_id=membership.user_id, scope__in=held)


def unread_count(membership: Membership | None, held: Iterable[Scope] | None = None) -> int:
    """How many unread notifications the centre lists for the person here (0 without a membership).

    `held`: the person's scopes when the caller has them already (else worked out here). See
    `unread_counts`.
    """
    if membership is None:
        return 0
    scopes = frozenset(held if held is not None else scopes_of(membership))
    return unread_counts([(membership, scopes)])[membership.user_id]


def unread_counts(people: Sequence[tuple[Membership, frozenset[Scope]]]) -> dict[int, int]:
    """{user_id: unread notifications the centre lists} for many people at once, in the current schema.

    `people`: (membership, the scopes it holds now). Counts rows whose scope is held; rows of a
    kind with an object right (`register_object_check`) only while that check passes, so the
    header and the live count never count what the centre hides. One grouped COUNT plus one
    query for the unread rows of checked kinds (each distinct check run once).
    """
    scopes_by_user = {m.user_id: {str(s) for s in scopes} for m, scopes in people}
    users = {m.user_id: m.user for m, _ in people}
    counts = dict.fromkeys(scopes_by_user, 0)
    if not counts:
        return counts
    checked = list(_OBJECT_CHECKS)
    unread = Notification.objects.filter(recipient_id__in=list(counts), read_at__isnull=True).order_by()
    plain = (
        unread.exclude(kind__in=checked, object_id__isnull=False)
        .values_list("recipient_id", "scope")
        .annotate(n=Count("id"))
    )
    for user_id, scope, n in plain:
        if scope in scopes_by_user[user_id]:
            counts[user_id] += n
    verdicts: dict[tuple[int, str, int], bool] = {}
    rows = unread.filter(kind__in=checked, object_id__isnull=False).values_list(
        "recipient_id", "scope", "kind", "object_id"
    )
    for user_id, scope, kind, object_id in rows:
        if scope not in scopes_by_user[user_id]:
            continue
        key = (user_id, kind, object_id)
        if key not in verdicts:
            verdicts[key] = _OBJECT_CHECKS[kind](users[user_id], object_id)
        counts[user_id] += verdicts[key]
    return counts


def mark_read(membership: Membership, notification_ids: Iterable[int]) -> int:
    """Mark the person's own notifications read; ids of others' are ignored. Returns how many changed."""
    return (
        visible(membership).filter(pk__in=list(notification_ids), read_at__isnull=True).update(read_at=timezone.now())
    )


def mark_all_read(membership: Membership) -> int:
    """Mark every visible unread notification of the person read. Returns how many changed."""
    return visible(membership).filter(read_at__isnull=True).update(read_at=timezone.now())
