"""API input parsing and output shapes for network figures. Rules live in the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from figures.models import Submission
from hub.api_fields import StrictCharField


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    network = serializers.CharField(source="network_name", read_only=True)
    sent_by = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["id", "network", "network_id", "period_code", "version", "figures", "sent_at", "sent_by"]
        read_only_fields = fields

    def get_sent_by(self, row: Submission) -> str | None:
        return row.sent_by.full_name if row.sent_by_id else None


class SendSerializer(serializers.Serializer[Any]):
    network = StrictCharField(max_length=50, help_text="The network's slug (a network we are a member of).")
    period = StrictCharField(max_length=20, help_text='A term that has ended, e.g. "2025-26-autumn".')


class SectionSerializer(serializers.Serializer[Any]):
    key = StrictCharField()
    title = StrictCharField()
    columns = serializers.ListField(child=StrictCharField())
    figures = serializers.ListField(
        child=serializers.JSONField(),
        help_text='Each column\'s figure: a count, "fewer than N", "withheld", or null (no data).',
    )
    total = serializers.JSONField(help_text="The section's total, as the figures.")
    withheld = StrictCharField(allow_blank=True, help_text="Why the whole section is withheld, if it is.")


class PeriodTotalsSerializer(serializers.Serializer[Any]):
    period = StrictCharField()
    period_label = StrictCharField()
    contributors = serializers.IntegerField()
    threshold = serializers.IntegerField()
    sections = SectionSerializer(many=True)


class ReceivedSectionSerializer(serializers.Serializer[Any]):
    key = StrictCharField()
    columns = serializers.ListField(child=StrictCharField())
    yours = serializers.ListField(child=serializers.IntegerField(allow_null=True), allow_null=True)
    network = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), help_text="null where the figure is withheld"
    )
    withheld = StrictCharField(allow_blank=True)


class ReceivedTotalsSerializer(serializers.Serializer[Any]):
    network = StrictCharField()
    period = StrictCharField()
    threshold = serializers.IntegerField()
    sections = ReceivedSectionSerializer(many=True)
