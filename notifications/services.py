"""The one way to notify people, and what a person does with their notifications.

`notify` stores one notification per person who holds the right *now*, in the organisation's
own schema and inside the caller's transaction; after that transaction commits it pushes the
new unread count to the person's open sockets and queues the emails their preferences ask
for. A rolled-back change stores nothing, sends nothing and emails nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context

from core.after_commit import run_after_commit, send_after_commit
from core.live import NOTIFY_EVENT, person_group
from notifications.kinds import DEFAULT_DELIVERY, Delivery, Kind
from notifications.models import Notification, Preference
from tenants.models import Membership, Organisation, User
from tenants.scopes import Scope, scopes_of

MAX_TEXT = 200

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
    """The active members of `organisation` who hold `scope` now (optionally only `users`), by user id."""
    memberships = Membership.objects.select_related("user", "organisation").filter(
        organisation=organisation, user__is_active=True
    )
    if users is not None:
        memberships = memberships.filter(user_id__in=list(users))
    return [m for m in memberships.order_by("user_id") if scope in scopes_of(m)]


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
    * `url`: a path on that organisation's host ("/exchange/…", see `is_local_path`), where the recipient's own
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
    recipients = holders(org, scope, users)
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
        unread = dict(
            Notification.objects.filter(recipient_id__in=[n.recipient_id for n in stored], read_at__isnull=True)
            .values_list("recipient_id")
            .annotate(n=Count("id"))
        )
        chosen = deliveries(kind, [n.recipient_id for n in stored])
    for notification in stored:
        send_after_commit(
            person_group(schema, notification.recipient_id),
            {"type": NOTIFY_EVENT, "scope": str(scope), "payload": live_payload(notification, unread)},
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


def unread_count(membership: Membership | None) -> int:
    """How many of the person's notifications here the centre lists as unread (0 without a membership).

    Scope held now, and for kinds with an object check (`register_object_check`) that check too,
    so the header never counts one the centre does not show. One COUNT, plus one query for the
    unread rows of checked kinds (usually none) and their checks.
    """
    if membership is None:
        return 0
    unread = visible(membership).filter(read_at__isnull=True)
    checked = unread.filter(kind__in=list(_OBJECT_CHECKS), object_id__isnull=False)
    plain = unread.exclude(pk__in=checked.values("pk")).count()
    return plain + sum(1 for n in checked if still_allowed(n, membership))


def mark_read(membership: Membership, notification_ids: Iterable[int]) -> int:
    """Mark the person's own notifications read; ids of others' are ignored. Returns how many changed."""
    return (
        visible(membership).filter(pk__in=list(notification_ids), read_at__isnull=True).update(read_at=timezone.now())
    )


def mark_all_read(membership: Membership) -> int:
    """Mark every visible unread notification of the person read. Returns how many changed."""
    return visible(membership).filter(read_at__isnull=True).update(read_at=timezone.now())
