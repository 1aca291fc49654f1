"""API input parsing and output shapes. Rules live in the services, not here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hub.api_fields import StrictCharField, text_for
from partners.models import PartnerReport, ReportComment, TrainingRecord
from partners.services import NARRATIVE_LIMIT


class ReportSerializer(serializers.ModelSerializer[PartnerReport]):
    period_label = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="draft, or sent (signed off by the Prevent lead and sent)")
    period_kind = serializers.CharField(read_only=True, help_text="termly or annual")
    signed_off_by = serializers.SerializerMethodField()

    class Meta:
        model = PartnerReport
        fields = [
            "id", "period_code", "period_label", "period_kind", "period_start", "period_end", "version", "status",
            "figures", "assembled_at", "training_delivered", "policy_changes", "open_actions", "comments",
            "signed_off_by", "signed_off_at", "shared_as",
        ]  # fmt: skip
        read_only_fields = fields

    def get_period_label(self, report: PartnerReport) -> str:
        return report.period.label

    def get_signed_off_by(self, report: PartnerReport) -> str | None:
        return report.signed_off_by.full_name if report.signed_off_by_id else None


class AssembleSerializer(serializers.Serializer[object]):
    period = StrictCharField(
        max_length=20, help_text="e.g. 2025-26-autumn, 2025-26-spring, 2025-26-summer or 2025-26-annual"
    )


class NarrativeSerializer(serializers.Serializer[object]):
    training_delivered = StrictCharField(max_length=NARRATIVE_LIMIT, allow_blank=True, required=False)
    policy_changes = StrictCharField(max_length=NARRATIVE_LIMIT, allow_blank=True, required=False)
    open_actions = StrictCharField(max_length=NARRATIVE_LIMIT, allow_blank=True, required=False)
    comments = StrictCharField(max_length=NARRATIVE_LIMIT, allow_blank=True, required=False)


class CommentInSerializer(serializers.Serializer[object]):
    text = text_for(ReportComment, "text", max_length=5_000)


class CommentSerializer(serializers.ModelSerializer[ReportComment]):
    author = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = ReportComment
        fields = ["id", "record_id", "record_version", "text", "author", "created_at"]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer[TrainingRecord]):
    class Meta:
        model = TrainingRecord
        fields = ["id", "delivered_on", "topic", "audience", "attendees", "partner_id"]
        read_only_fields = fields


def record_view_data(view: Any) -> dict[str, Any]:
    """A received report (a `sharing.records.RecordView`) as the API shows it."""
    return {
        "record_id": view.id,
        "version": view.version,
        "source_id": view.source_id,
        "source_name": view.source_name,
        "ref": view.ref,
        "shared_at": view.shared_at,
        "agreement_id": view.agreement_id,
        "report": view.data,
    }


class PartnerReportReceivedSerializer(serializers.Serializer[object]):
    record_id = serializers.IntegerField()
    version = serializers.IntegerField()
    source_id = serializers.IntegerField()
    source_name = serializers.CharField()
    ref = serializers.CharField()
    shared_at = serializers.DateTimeField()
    agreement_id = serializers.IntegerField(allow_null=True)
    report = serializers.DictField()


class PartnerAssuranceSerializer(serializers.Serializer[object]):
    partner_id = serializers.IntegerField()
    partner_name = serializers.CharField()
    needs_attention = serializers.BooleanField()
    agreement = serializers.DictField(allow_null=True)
    last_report = PartnerReportReceivedSerializer(allow_null=True)
    overdue = serializers.ListField(child=serializers.DictField())
    training = TrainingSerializer(many=True)
    referrals = serializers.DictField(allow_null=True)
