"""What a person was notified of, read from their organisation's schema; and whether they may still see it."""

from __future__ import annotations

from django_tenants.utils import schema_context

from notifications.models import Notification
from notifications.services import still_allowed
from tenants.models import Membership, Organisation, User


def inbox(organisation: Organisation, user: User, kind: str | None = None) -> list[Notification]:
    """`user`'s notifications kept in `organisation`'s schema (of one kind), oldest first."""
    with schema_context(organisation.schema_name):
        found = Notification.objects.filter(recipient=user)
        if kind is not None:
            found = found.filter(kind=kind)
        return list(found.order_by("created_at", "pk"))


def everyone(organisation: Organisation, kind: str) -> set[int]:
    """Who in `organisation` holds a notification of `kind` (user ids)."""
    with schema_context(organisation.schema_name):
        return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def may_still_see(organisation: Organisation, notification: Notification) -> bool:
    """What the centre and email delivery ask: the recipient's scope and object right, now."""
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(user_id=notification.recipient_id, organisation=organisation)
        .first()
    )
    with schema_context(organisation.schema_name):
        return still_allowed(notification, membership)
