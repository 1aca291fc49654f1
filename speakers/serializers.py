"""API input parsing and output shapes. Rules live in the services, not here."""

from __future__ import annotations

from rest_framework import serializers

from speakers.choices import EventFormat
from speakers.models import Decision, EventRequest, RequestMitigation, Speaker


class SpeakerSerializer(serializers.ModelSerializer[Speaker]):
    class Meta:
        model = Speaker
        fields = ["name", "affiliation", "profile_links", "topic"]
        extra_kwargs = {"name": {"required": True}}


class SubmitSerializer(serializers.Serializer[object]):
    draft = serializers.BooleanField(default=False, help_text="Save as a draft instead of submitting.")
    title = serializers.CharField(allow_blank=True, default="")
    starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    venue = serializers.CharField(allow_blank=True, default="")
    format = serializers.ChoiceField(choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    open_to_public = serializers.BooleanField(default=False)
    livestreamed = serializers.BooleanField(default=False)
    recorded = serializers.BooleanField(default=False)
    expected_audience = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)
    organising_body = serializers.CharField(allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, default="")
    short_notice_reason = serializers.CharField(allow_blank=True, default="")
    speakers = SpeakerSerializer(many=True, default=list)


class RiskFactorSerializer(serializers.Serializer[object]):
    factor = serializers.CharField()
    evidence = serializers.CharField()
    source = serializers.CharField()
    source_date = serializers.DateField(required=False, allow_null=True, default=None)


class ProposedMitigationSerializer(serializers.Serializer[object]):
    mitigation_id = serializers.IntegerField()
    basis = serializers.CharField(default="other")


class AssessSerializer(serializers.Serializer[object]):
    risk_level = serializers.CharField()
    free_speech_considerations = serializers.CharField(allow_blank=True)
    criteria_met = serializers.ListField(child=serializers.CharField(), default=list)
    risk_summary = serializers.CharField(allow_blank=True, default="")
    factors = RiskFactorSerializer(many=True, default=list)
    mitigations = ProposedMitigationSerializer(many=True, default=list)


class EscalateSerializer(serializers.Serializer[object]):
    decision_maker_id = serializers.IntegerField()
    note = serializers.CharField(allow_blank=True)


class DecideSerializer(serializers.Serializer[object]):
    outcome = serializers.CharField()
    reasons = serializers.CharField(allow_blank=True)
    imposed_mitigation_ids = serializers.ListField(child=serializers.IntegerField(), default=list)
    rejection_category = serializers.CharField(allow_blank=True, default="")
    rejection_explanation = serializers.CharField(allow_blank=True, default="")
    speech_within_law = serializers.CharField(allow_blank=True, default="")
    free_speech_steps = serializers.CharField(allow_blank=True, default="")
    restriction_proportionality = serializers.CharField(allow_blank=True, default="")
    not_offence_or_reputation_alone = serializers.BooleanField(default=False)
    security_costs_passed_on = serializers.BooleanField(default=False)
    security_costs_circumstances = serializers.CharField(allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer[object]):
    reason = serializers.CharField(allow_blank=True)
    speaker_not_invited = serializers.BooleanField(default=False)


class ProgressSerializer(serializers.Serializer[object]):
    progress = serializers.CharField()
    note = serializers.CharField(allow_blank=True, default="")


class MitigationSerializer(serializers.ModelSerializer[RequestMitigation]):
    class Meta:
        model = RequestMitigation
        fields = ["id", "label", "basis", "timing", "imposed", "progress", "progress_note", "completed_at"]


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    class Meta:
        model = Decision
        exclude = ["id", "request"]


class EventRequestSerializer(serializers.ModelSerializer[EventRequest]):
    speakers = SpeakerSerializer(many=True, read_only=True)
    mitigations = MitigationSerializer(many=True, read_only=True)
    risk_level = serializers.CharField(source="assessment.risk_level", default=None, read_only=True)
    higher_risk = serializers.BooleanField(source="is_higher_risk", read_only=True)
    decision = DecisionSerializer(read_only=True, default=None)

    class Meta:
        model = EventRequest
        exclude = ["escalated_by"]
