"""API input parsing and output shapes of the risk register. Rules live in risks.services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hub.api_fields import StrictCharField, text_for
from risks.models import ActionStatus, Category, Rating, Risk, RiskAction, RiskChange, RiskStatus
from risks.services import TEXT_LIMIT


class RiskChangeSerializer(serializers.ModelSerializer[RiskChange]):
    changed_by = serializers.SerializerMethodField()

    class Meta:
        model = RiskChange
        fields = ["id", "changed_at", "changed_by", "created", "fields", "reason"]
        read_only_fields = fields

    def get_changed_by(self, change: RiskChange) -> str | None:
        return change.changed_by.full_name if change.changed_by_id else None


class RiskSerializer(serializers.ModelSerializer[Risk]):
    score = serializers.IntegerField(read_only=True, help_text="likelihood × impact, 1–25")
    rating = serializers.ChoiceField(choices=Rating.choices, read_only=True, source="rating.value")
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    status = serializers.ChoiceField(choices=RiskStatus.choices, read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id", "title", "description", "category", "likelihood", "impact", "score", "rating", "owner",
            "owner_name", "existing_controls", "planned_controls", "review_on", "status", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class RiskDetailSerializer(RiskSerializer):
    history = RiskChangeSerializer(many=True, read_only=True, source="changes")

    class Meta(RiskSerializer.Meta):
        fields = [*RiskSerializer.Meta.fields, "history"]
        read_only_fields = fields


class RiskInSerializer(serializers.Serializer[Any]):
    """A new risk, or (PATCH) the fields that change plus `reason`."""

    title = text_for(Risk, "title")
    description = StrictCharField(max_length=TEXT_LIMIT, allow_blank=True, required=False)
    category = serializers.ChoiceField(choices=Category.choices)
    likelihood = serializers.IntegerField(min_value=1, max_value=5, help_text="1 (rare) to 5 (almost certain)")
    impact = serializers.IntegerField(min_value=1, max_value=5, help_text="1 (negligible) to 5 (severe)")
    owner = serializers.IntegerField(min_value=1, help_text="The id of a person who is a member of this organisation")
    existing_controls = StrictCharField(max_length=TEXT_LIMIT, allow_blank=True, required=False)
    planned_controls = StrictCharField(max_length=TEXT_LIMIT, allow_blank=True, required=False)
    review_on = serializers.DateField()
    status = serializers.ChoiceField(choices=RiskStatus.choices, required=False)
    reason = StrictCharField(
        max_length=TEXT_LIMIT,
        allow_blank=True,
        required=False,
        help_text="Why: kept in the history (required on change)",
    )


class RiskActionSerializer(serializers.ModelSerializer[RiskAction]):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = RiskAction
        fields = ["id", "risk", "title", "notes", "owner", "owner_name", "due_on", "status", "completed_on",
                  "overdue", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, action: RiskAction) -> bool:
        return action.is_overdue(self.context["today"])


class RiskActionInSerializer(serializers.Serializer[Any]):
    title = text_for(RiskAction, "title")
    notes = StrictCharField(max_length=TEXT_LIMIT, allow_blank=True, required=False)
    risk = serializers.IntegerField(min_value=1, allow_null=True, required=False, help_text="A risk's id, or null")
    owner = serializers.IntegerField(min_value=1, help_text="The id of a person who is a member of this organisation")
    due_on = serializers.DateField(help_text="Today or later for a new action (unless recording_past)")
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    recording_past = serializers.BooleanField(
        required=False, default=False, help_text="An action agreed earlier, entered now: a past due date is allowed"
    )


class RiskShareInSerializer(serializers.Serializer[Any]):
    network = serializers.IntegerField(min_value=1, help_text="The id of a network or Silver group we are a member of")


class RiskShareOutSerializer(serializers.Serializer[Any]):
    record_id = serializers.IntegerField()
    version = serializers.IntegerField()
    network = serializers.IntegerField()
    summary = serializers.DictField(help_text="Exactly the counts sent")


class RiskOverviewSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    current = serializers.IntegerField()
    by_rating = serializers.DictField(child=serializers.IntegerField())
    by_category = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    reviews_due = serializers.IntegerField()
    actions_open = serializers.IntegerField()
    actions_overdue = serializers.IntegerField()
    closed = serializers.IntegerField()
    heat_map = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Counts of current risks: rows are likelihood 5 down to 1, columns impact 1 to 5",
    )


class RiskEditSerializer(RiskInSerializer):
    """A change to a risk: only the fields that change, plus `reason` (required when anything changes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = False


class RiskActionEditSerializer(RiskActionInSerializer):
    """A change to an action: only the fields that change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("recording_past")
        for name in self.fields:
            self.fields[name].required = False
