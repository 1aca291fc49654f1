"""Notifications kept in each organisation's own schema, and each person's delivery choices there.

A notification says what kind of thing happened where and links to it: its text never names
a speaker, a student or a case subject (`notifications.services.notify` is the one way in).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from notifications.kinds import Delivery, Kind
from tenants.models import User


class Notification(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # The right (a tenants.scopes.Scope value) needed to open what it points to; a person who
    # no longer holds it is neither shown nor sent the notification.
    scope = models.CharField(max_length=64)
    text = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    # The record it is about (for object-level rights re-checked at delivery), when there is one.
    object_id = models.BigIntegerField(null=True, blank=True)
    # Sweeps notify once per recipient per key (e.g. "agreement:12:review:2027-01-31").
    key = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], condition=~models.Q(key=""), name="notification_once_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user {self.recipient_id}"


class Preference(models.Model):
    """How one person wants one kind delivered in this organisation (no row: `DEFAULT_DELIVERY`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_delivery_display()}"
