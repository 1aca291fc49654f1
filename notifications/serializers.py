"""API shapes of notifications and delivery preferences. Rules live in notifications.services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from notifications.kinds import Delivery, Kind
from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    unread = serializers.SerializerMethodField(help_text="True until the person marks it read or follows its link.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, notification: Notification) -> bool:
        return notification.read_at is None


class ListParamsSerializer(serializers.Serializer[Any]):
    unread = serializers.BooleanField(required=False, default=False, help_text="`true`: only unread ones.")


class MarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text="How many changed from unread to read (0: none, or not yours).")
    unread = serializers.IntegerField(help_text="How many of yours here are still unread.")


class PreferencesSerializer(serializers.Serializer[Any]):
    """One delivery per kind: `hub` (in the hub only), `email` (one email each), `digest` (a daily email)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            kind.value: serializers.ChoiceField(choices=Delivery.choices, required=False, help_text=kind.label)
            for kind in Kind
        }
