"""API input parsing and output shapes. Rules live in the services, not here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hub.api_fields import StrictCharField
from returns.models import AnnualReturn
from returns.selectors import data_for


class ReturnSerializer(serializers.ModelSerializer[AnnualReturn]):
    status = serializers.CharField(read_only=True, help_text="draft, or signed_off (by the Prevent lead; frozen)")
    gaps = serializers.SerializerMethodField(help_text="How many gaps the return flags")
    signed_off_by = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReturn
        fields = ["id", "year_code", "year_start", "year_end", "version", "status", "gaps", "assembled_at",
                  "signed_off_by", "signed_off_at", "digest"]  # fmt: skip
        read_only_fields = fields

    def get_gaps(self, annual_return: AnnualReturn) -> int:
        return len(annual_return.data.get("gaps") or [])

    def get_signed_off_by(self, annual_return: AnnualReturn) -> str | None:
        return annual_return.signed_off_by.full_name if annual_return.signed_off_by_id else None


class ReturnDetailSerializer(ReturnSerializer):
    data = serializers.SerializerMethodField(
        help_text="The snapshot: year, partners (included or not, with the exchange records used), lines (key, "
        "label, own, partners by id, total, source, flags; a null figure is no data, not 0) and gaps"
    )

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "data"]
        read_only_fields = fields

    def get_data(self, annual_return: AnnualReturn) -> dict[str, Any]:
        # Record ids only of what the reader may open (returns.selectors.data_for); none without a request.
        request = self.context.get("request")
        return data_for(annual_return, getattr(request, "membership", None) if request is not None else None)


class ReturnAssembleSerializer(serializers.Serializer[object]):
    year = StrictCharField(max_length=20, help_text="The academic year (1 August to 31 July), e.g. 2025-26")


class ReturnSignOffSerializer(serializers.Serializer[object]):
    gaps_acknowledged = serializers.BooleanField(
        default=False, help_text="Required true when the return flags gaps: the Prevent lead has read them"
    )
    seen = serializers.CharField(
        required=False,
        max_length=64,
        help_text="Optional: the digest of the draft's data as you read it; refused (400) if it was assembled since",
    )
