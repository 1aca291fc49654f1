"""API input parsing and output shapes. Rules live in the services, not here."""

from __future__ import annotations

from rest_framework import serializers

from hub.api_fields import id_field, text_for
from welfare.choices import EntryKind, IdeologyCategory, Outcome, SubjectKind, TriageOutcome
from welfare.models import Case, CaseAction, CaseEntry, CaseOpening, Concern


class ConcernInputSerializer(serializers.Serializer[object]):
    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices, default=SubjectKind.STUDENT)
    subject_given_name = text_for(Concern, "subject_given_name")
    subject_family_name = text_for(Concern, "subject_family_name")
    subject_date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    subject_number = text_for(Concern, "subject_number", allow_blank=True, default="")
    observed_on = serializers.DateField(help_text="The date it was seen or heard; not in the future.")
    what_happened = text_for(Concern, "what_happened")
    immediate_risk = serializers.BooleanField(default=False)
    immediate_risk_details = text_for(Concern, "immediate_risk_details", allow_blank=True, default="")


class OwnConcernSerializer(serializers.ModelSerializer[Concern]):
    """What the person who raised a concern sees: what they submitted and its status. Never the case."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Concern
        fields = [
            "id", "raised_at", "subject_kind", "subject_given_name", "subject_family_name", "observed_on",
            "what_happened", "immediate_risk", "immediate_risk_details", "status", "status_label",
        ]  # fmt: skip
        read_only_fields = fields


class ConcernSerializer(serializers.ModelSerializer[Concern]):
    """A concern as the safeguarding team sees it."""

    class Meta:
        model = Concern
        fields = [
            "id", "raised_at", "raised_by", "subject_kind", "subject_given_name", "subject_family_name",
            "subject_date_of_birth", "subject_number", "observed_on", "what_happened", "immediate_risk",
            "immediate_risk_details", "status", "triage_outcome", "triaged_by", "triaged_at", "triage_note", "case",
        ]  # fmt: skip
        read_only_fields = fields


class TriageSerializer(serializers.Serializer[object]):
    outcome = serializers.ChoiceField(choices=TriageOutcome.choices)
    case = id_field(required=False, allow_null=True, default=None, help_text="The open case to merge into.")
    note = text_for(Concern, "triage_note", allow_blank=True, default="")


class CaseSummarySerializer(serializers.ModelSerializer[Case]):
    """A row of the case list: no name, nothing identifying (open the case, with a reason, for that)."""

    class Meta:
        model = Case
        fields = [
            "id", "status", "opened_on", "closed_on", "prevent_lead_involved_on", "external_advice_sought_on",
            "formal_referral_made_on", "outcome", "ideology_category",
        ]  # fmt: skip
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer[CaseEntry]):
    class Meta:
        model = CaseEntry
        fields = ["id", "kind", "occurred_on", "text", "recorded_by", "recorded_at"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer[CaseAction]):
    class Meta:
        model = CaseAction
        fields = ["id", "description", "owner", "due_on", "done", "done_on", "meeting"]
        read_only_fields = fields


class CaseOpeningSerializer(serializers.ModelSerializer[CaseOpening]):
    class Meta:
        model = CaseOpening
        fields = ["id", "opened_by", "opened_at", "reason", "via_api"]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer[Case]):
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    concerns = ConcernSerializer(many=True, read_only=True)
    entries = EntrySerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)
    openings = CaseOpeningSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "id", "status", "subject_kind", "subject_given_name", "subject_family_name", "subject_date_of_birth",
            "subject_number", "summary", "opened_on", "closed_on", "team", "prevent_lead_involved_on",
            "external_advice_sought_on", "formal_referral_made_on", "outcome", "outcome_recorded_on",
            "prevent_referral_on", "prevent_referral_reference", "ideology_category", "freedom_of_speech_notes",
            "context_notes", "concerns", "entries", "actions", "openings",
        ]  # fmt: skip
        read_only_fields = fields


class OpenSerializer(serializers.Serializer[object]):
    reason = text_for(CaseOpening, "reason", help_text="Why you are opening this case (recorded and shown on it).")


class EscalationSerializer(serializers.Serializer[object]):
    """Fields left out keep their current value; send null (or "") to clear one."""

    prevent_lead_involved_on = serializers.DateField(required=False, allow_null=True)
    external_advice_sought_on = serializers.DateField(required=False, allow_null=True)
    formal_referral_made_on = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    prevent_referral_on = serializers.DateField(required=False, allow_null=True)
    prevent_referral_reference = text_for(Case, "prevent_referral_reference", required=False, allow_blank=True)
    ideology_category = serializers.ChoiceField(
        choices=[("", "none"), *IdeologyCategory.choices], required=False, allow_blank=True
    )
    freedom_of_speech_notes = text_for(Case, "freedom_of_speech_notes", required=False, allow_blank=True)
    context_notes = text_for(Case, "context_notes", required=False, allow_blank=True)


class EntryInputSerializer(serializers.Serializer[object]):
    kind = serializers.ChoiceField(choices=EntryKind.choices, default=EntryKind.NOTE)
    occurred_on = serializers.DateField()
    text = text_for(CaseEntry, "text")
