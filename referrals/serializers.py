"""API input parsing and output shapes. Rules live in the services, not here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hub.api_fields import id_field, text_for
from referrals.models import TransferRequest


class SummaryInputSerializer(serializers.Serializer[object]):
    recipient = id_field(help_text="The id of the organisation to send the summary to.")


class TransferInputSerializer(serializers.Serializer[object]):
    recipient = id_field(help_text="The id of the organisation to identify the person to.")
    justification = text_for(TransferRequest, "justification", allow_blank=True, default="")


class DeclineInputSerializer(serializers.Serializer[object]):
    note = text_for(TransferRequest, "decision_note", allow_blank=True, default="")


class SummaryShareSerializer(serializers.Serializer[object]):
    case = serializers.IntegerField(source="case_number")
    recipient = serializers.IntegerField(source="recipient_id")
    version = serializers.IntegerField()
    first_shared_at = serializers.DateTimeField()
    last_shared_at = serializers.DateTimeField()


class TransferSerializer(serializers.ModelSerializer[TransferRequest]):
    case = serializers.IntegerField(source="case_number")
    recipient = serializers.IntegerField(source="recipient_id")
    requested_by = serializers.CharField(source="requested_by.full_name")
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = TransferRequest
        fields = ["id", "case", "recipient", "agreement_id", "justification", "requested_by", "requested_at",
                  "status", "decided_by", "decided_at", "decision_note"]  # fmt: skip

    def get_decided_by(self, transfer: TransferRequest) -> str:
        return transfer.decided_by.full_name if transfer.decided_by else ""


class RecordSerializer(serializers.Serializer[object]):
    """A record as received (opened through the exchange)."""

    id = serializers.IntegerField()
    version = serializers.IntegerField()
    level = serializers.SerializerMethodField()
    source = serializers.IntegerField(source="source_id")
    source_name = serializers.CharField()
    shared_at = serializers.DateTimeField()
    agreement_title = serializers.CharField()
    data = serializers.DictField()

    def get_level(self, view: Any) -> str:
        return str(view.level.code)


class NoticeSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    source = serializers.IntegerField(source="source_id")
    source_name = serializers.CharField()
    shared_at = serializers.DateTimeField()


class ReceivedSerializer(serializers.Serializer[object]):
    aggregates = RecordSerializer(many=True)
    cases = RecordSerializer(many=True)
    transfers = RecordSerializer(many=True)
    transfer_notices = NoticeSerializer(many=True)


class ReceivedQuerySerializer(serializers.Serializer[object]):
    source = id_field(required=False, help_text="Only what this partner (organisation id) sent.")
