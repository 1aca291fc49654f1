"""API input parsing and output shapes. Rules live in the services, not here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hub.api_fields import StrictCharField, id_field, integer_for, text_for
from training.csv_import import MAX_IMPORT_BYTES
from training.models import Completion, Course, Kind, Requirement, StaffMember, Tier


class RequirementSerializer(serializers.ModelSerializer[Requirement]):
    who = serializers.CharField(read_only=True)

    class Meta:
        model = Requirement
        fields = ["id", "department", "role", "who"]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer[Course]):
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = ["id", "title", "code", "tier", "kind", "refresher_months", "description", "requirements"]
        read_only_fields = fields


class CourseInSerializer(serializers.Serializer[object]):
    title = text_for(Course, "title")
    code = text_for(Course, "code", required=False, allow_blank=True, default="")
    tier = serializers.ChoiceField(choices=Tier.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    refresher_months = integer_for(Course, "refresher_months", required=False, allow_null=True, default=None,
                                   min_value=1)  # fmt: skip
    description = text_for(Course, "description", max_length=2000, required=False, allow_blank=True, default="")


class StaffSerializer(serializers.ModelSerializer[StaffMember]):
    class Meta:
        model = StaffMember
        fields = ["id", "staff_id", "name", "email", "department", "role", "active"]
        read_only_fields = fields


class StaffInSerializer(serializers.Serializer[object]):
    staff_id = text_for(StaffMember, "staff_id")
    name = text_for(StaffMember, "name")
    email = StrictCharField(max_length=254, required=False, allow_blank=True, default="")
    department = text_for(StaffMember, "department")
    role = text_for(StaffMember, "role")


class CompletionSerializer(serializers.ModelSerializer[Completion]):
    person = serializers.IntegerField(source="person_id", read_only=True)
    course = serializers.IntegerField(source="course_id", read_only=True)

    class Meta:
        model = Completion
        fields = ["id", "person", "course", "completed_on", "source"]
        read_only_fields = fields


class CompletionInSerializer(serializers.Serializer[object]):
    person = id_field(help_text="The staff list id of the person (see /api/v1/training/people/).")
    course = id_field(help_text="The course id.")
    completed_on = serializers.DateField(help_text="yyyy-mm-dd; not in the future.")


class CoverageRowSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()
    people = serializers.IntegerField()
    required = serializers.IntegerField()
    complete = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class CoverageSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    required = serializers.IntegerField(help_text="Required (person, course) pairs of the current staff list.")
    complete = serializers.IntegerField(help_text="Of those, completed and not expired on the day.")
    overdue = serializers.IntegerField(help_text="Never completed, or the refresher interval has passed.")
    percent = serializers.FloatField(allow_null=True, help_text="complete / required, one decimal; null if none.")
    people = serializers.IntegerField()
    people_overdue = serializers.IntegerField()
    by_role = CoverageRowSerializer(many=True)
    by_department = CoverageRowSerializer(many=True)
    by_course = CoverageRowSerializer(many=True)


class CoverageQuerySerializer(serializers.Serializer[object]):
    on = serializers.DateField(required=False, help_text="yyyy-mm-dd; today when absent.")


class ImportInSerializer(serializers.Serializer[object]):
    csv = StrictCharField(max_length=MAX_IMPORT_BYTES, trim_whitespace=False,
                          help_text="The text of the learning system's CSV export.")  # fmt: skip
    add_people = serializers.BooleanField(default=False)
    check_only = serializers.BooleanField(default=False)


class ImportResultSerializer(serializers.Serializer[Any]):
    rows = serializers.IntegerField()
    imported = serializers.IntegerField()
    already = serializers.IntegerField()
    not_completed = serializers.IntegerField()
    people_added = serializers.IntegerField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    checked_only = serializers.BooleanField()
