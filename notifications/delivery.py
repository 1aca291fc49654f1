"""Email: one message per notification, or one digest a day. Run by the worker (notifications.tasks).

Every message says what kind of thing happened where and links to it on the organisation's
host; the notification's text is built by `notify` without names of people. Rights are
checked again here, at the time of sending: a person who lost the role gets nothing.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from hub.hosts import organisation_absolute_url
from notifications.kinds import Delivery, Kind
from notifications.models import Notification
from notifications.services import deliveries, still_allowed
from tenants.models import Membership, Organisation

PREFERENCES_PATH = "/notifications/settings/"


def _memberships(organisation: Organisation, user_ids: set[int]) -> dict[int, Membership]:
    rows = Membership.objects.select_related("user", "organisation").filter(
        organisation=organisation, user_id__in=user_ids
    )
    return {m.user_id: m for m in rows}


def _footer(organisation: Organisation) -> str:
    return (
        f"\n\nYou receive this because of your notification settings at {organisation.name}: "
        f"{organisation_absolute_url(organisation.slug, PREFERENCES_PATH)}\n"
    )


def email_each(notification_ids: list[int]) -> int:
    """Send one email per notification (current schema) still unsent and still allowed. Returns how many were sent.

    Skips any already emailed, read in the hub meanwhile, whose recipient changed their
    preference away from email, or who no longer holds the right.
    """
    organisation = Organisation.objects.get(schema_name=connection.schema_name)
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(no_key=True, skip_locked=True)
            .filter(pk__in=notification_ids, emailed_at__isnull=True, read_at__isnull=True)
            .order_by("pk")
        )
        members = _memberships(organisation, {n.recipient_id for n in pending})
        messages, sent = [], []
        for notification in pending:
            membership = members.get(notification.recipient_id)
            if not still_allowed(notification, membership) or not membership or not membership.user.email:
                continue
            if deliveries(notification.kind, [notification.recipient_id])[notification.recipient_id] != Delivery.EMAIL:
                continue
            subject = f"Partnership Hub: {Kind(notification.kind).label} ({organisation.name})"
            body = (
                f"{notification.text}\n\nOpen it: {organisation_absolute_url(organisation.slug, notification.url)}"
                + _footer(organisation)
            )
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email]))
            sent.append(notification.pk)
        if messages:
            get_connection().send_messages(messages)
        Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(sent)


def digest(now: timezone.datetime | None = None) -> int:
    """Send each person in the current schema one email listing their unsent digest notifications.

    A notification is in the digest when the person chose `Delivery.DIGEST` for its kind, it is
    unread and unemailed, and they still may see it. Returns how many digests were sent.
    """
    organisation = Organisation.objects.get(schema_name=connection.schema_name)
    now = now or timezone.now()
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(no_key=True, skip_locked=True)
            .filter(emailed_at__isnull=True, read_at__isnull=True, created_at__lte=now)
            .order_by("recipient_id", "created_at", "pk")
        )
        members = _memberships(organisation, {n.recipient_id for n in pending})
        by_person: dict[int, list[Notification]] = defaultdict(list)
        for notification in pending:
            chosen = deliveries(notification.kind, [notification.recipient_id])[notification.recipient_id]
            if chosen == Delivery.DIGEST and still_allowed(notification, members.get(notification.recipient_id)):
                by_person[notification.recipient_id].append(notification)
        messages, sent = [], []
        for user_id, items in by_person.items():
            user = members[user_id].user
            if not user.email:
                continue
            lines = [f"* {n.text}\n  {organisation_absolute_url(organisation.slug, n.url)}" for n in items]
            subject = f"Partnership Hub: {len(items)} new at {organisation.name} (daily digest)"
            body = f"New since your last digest at {organisation.name}:\n\n" + "\n".join(lines) + _footer(organisation)
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
            sent.extend(n.pk for n in items)
        if messages:
            get_connection().send_messages(messages)
        Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(messages)
