"""API input parsing and output shapes. Rules live in the services, not here."""

from __future__ import annotations

from rest_framework import serializers

from hub.api_fields import TEXT_MAX_LENGTH, BoundedDateTimeField, StrictCharField, id_field, integer_for, text_for
from speakers.choices import EventFormat, Status
from speakers.models import Assessment, Decision, EventRequest, RequestMitigation, RiskFactor, Speaker
from speakers.selectors import REGISTER_SORTS

# Lists in one request: more speakers, factors or mitigations than any real event needs is a 400.
MAX_ITEMS = 50


class SpeakerSerializer(serializers.ModelSerializer[Speaker]):
    class Meta:
        model = Speaker
        fields = ["name", "affiliation", "profile_links", "topic"]
        extra_kwargs = {"name": {"required": True}, "profile_links": {"max_length": TEXT_MAX_LENGTH}}


class SubmitSerializer(serializers.Serializer[object]):
    draft = serializers.BooleanField(default=False, help_text="Save as a draft instead of submitting.")
    title = text_for(EventRequest, "title", allow_blank=True, default="")
    starts_at = BoundedDateTimeField(required=False, allow_null=True, default=None)
    venue = text_for(EventRequest, "venue", allow_blank=True, default="")
    format = serializers.ChoiceField(choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    open_to_public = serializers.BooleanField(default=False)
    livestreamed = serializers.BooleanField(default=False)
    recorded = serializers.BooleanField(default=False)
    expected_audience = integer_for(EventRequest, "expected_audience", required=False, allow_null=True, default=None)
    organising_body = text_for(EventRequest, "organising_body", allow_blank=True, default="")
    description = text_for(EventRequest, "description", allow_blank=True, default="")
    short_notice_reason = text_for(EventRequest, "short_notice_reason", allow_blank=True, default="")
    speakers = SpeakerSerializer(many=True, default=list, max_length=MAX_ITEMS)


class RiskFactorSerializer(serializers.Serializer[object]):
    factor = text_for(RiskFactor, "factor")
    evidence = text_for(RiskFactor, "evidence")
    source = text_for(RiskFactor, "source")
    source_date = serializers.DateField(required=False, allow_null=True, default=None)


class ProposedMitigationSerializer(serializers.Serializer[object]):
    mitigation_id = id_field()
    basis = text_for(RequestMitigation, "basis", default="other")


class AssessSerializer(serializers.Serializer[object]):
    risk_level = text_for(Assessment, "risk_level")
    free_speech_considerations = text_for(Assessment, "free_speech_considerations", allow_blank=True)
    criteria_met = serializers.ListField(child=StrictCharField(max_length=300), default=list, max_length=MAX_ITEMS)
    risk_summary = text_for(Assessment, "risk_summary", allow_blank=True, default="")
    factors = RiskFactorSerializer(many=True, default=list, max_length=MAX_ITEMS)
    mitigations = ProposedMitigationSerializer(many=True, default=list, max_length=MAX_ITEMS)


class EscalateSerializer(serializers.Serializer[object]):
    decision_maker_id = id_field()
    note = text_for(EventRequest, "escalation_note", allow_blank=True)


class DecideSerializer(serializers.Serializer[object]):
    outcome = text_for(Decision, "outcome")
    reasons = text_for(Decision, "reasons", allow_blank=True)
    imposed_mitigation_ids = serializers.ListField(child=id_field(), default=list, max_length=MAX_ITEMS)
    rejection_category = text_for(Decision, "rejection_category", allow_blank=True, default="")
    rejection_explanation = text_for(Decision, "rejection_explanation", allow_blank=True, default="")
    speech_within_law = text_for(Decision, "speech_within_law", allow_blank=True, default="")
    free_speech_steps = text_for(Decision, "free_speech_steps", allow_blank=True, default="")
    restriction_proportionality = text_for(Decision, "restriction_proportionality", allow_blank=True, default="")
    not_offence_or_reputation_alone = serializers.BooleanField(default=False)
    security_costs_passed_on = serializers.BooleanField(default=False)
    security_costs_circumstances = text_for(Decision, "security_costs_circumstances", allow_blank=True, default="")


class WithdrawSerializer(serializers.Serializer[object]):
    reason = text_for(Decision, "reasons", allow_blank=True)
    speaker_not_invited = serializers.BooleanField(default=False)


class ProgressSerializer(serializers.Serializer[object]):
    progress = text_for(RequestMitigation, "progress")
    note = text_for(RequestMitigation, "progress_note", allow_blank=True, default="")


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
    risk_level = StrictCharField(source="assessment.risk_level", default=None, read_only=True, allow_null=True)
    higher_risk = serializers.BooleanField(source="is_higher_risk", read_only=True)
    decision = DecisionSerializer(read_only=True, default=None, allow_null=True)

    class Meta:
        model = EventRequest
        exclude = ["escalated_by"]


class RegisterQuerySerializer(serializers.Serializer[object]):
    """Query parameters of the request list."""

    q = StrictCharField(
        source="search", required=False, allow_blank=True, default="", max_length=200,
        help_text="Words in the title, a speaker's name or the organiser's name.",
    )  # fmt: skip
    status = serializers.ChoiceField(choices=Status.choices, required=False, allow_blank=True, default="")
    sort = serializers.ChoiceField(
        choices=list(REGISTER_SORTS), required=False, default="urgency", help_text="Default: most urgent first."
    )


class PeriodSerializer(serializers.Serializer[object]):
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`, both optional and inclusive."""

    from_ = serializers.DateField(required=False, allow_null=True, default=None, help_text="First day (inclusive).")
    to = serializers.DateField(required=False, allow_null=True, default=None, help_text="Last day (inclusive).")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class CountsSerializer(serializers.Serializer[object]):
    from_ = serializers.DateField(allow_null=True)
    to = serializers.DateField(allow_null=True)
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Decisions by outcome.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields
