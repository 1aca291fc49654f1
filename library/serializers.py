"""API input parsing and output shapes. Rules live in library.services, not here."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hub.api_fields import StrictCharField, id_field
from library import models as m
from library.choices import Theme
from library.models import Practice

SLACK = 100  # the service, not the parser, says how much too long a text is


class PracticeSerializer(serializers.ModelSerializer[Practice]):
    organisation = serializers.SerializerMethodField(help_text="The organisation the write-up is from: {id, name}.")
    contact = serializers.SerializerMethodField(help_text="Who to ask: the role at the organisation.")
    theme_labels = serializers.SerializerMethodField()

    class Meta:
        model = Practice
        fields = [
            "id", "title", "summary", "practice", "what_worked", "contact_role", "contact", "themes",
            "theme_labels", "status", "organisation", "created_at", "updated_at", "published_at", "withdrawn_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_organisation(self, practice: Practice) -> dict[str, Any]:
        return {"id": practice.organisation_id, "name": practice.organisation.name}

    def get_contact(self, practice: Practice) -> str:
        named = f" ({practice.author.full_name})" if practice.show_author else ""
        return f"The {practice.contact_role} at {practice.organisation.name}{named}"

    def get_theme_labels(self, practice: Practice) -> list[str]:
        return practice.theme_labels()


class PracticeInSerializer(serializers.Serializer[object]):
    title = StrictCharField(max_length=m.TITLE_LIMIT + SLACK, allow_blank=True)
    summary = StrictCharField(max_length=m.SUMMARY_LIMIT + SLACK, allow_blank=True)
    practice = StrictCharField(max_length=m.PRACTICE_LIMIT + SLACK, allow_blank=True)
    what_worked = StrictCharField(max_length=m.WORKED_LIMIT + SLACK, allow_blank=True)
    contact_role = StrictCharField(
        max_length=m.CONTACT_LIMIT + SLACK, allow_blank=True, help_text="A role, e.g. 'Prevent lead'; not a person."
    )
    themes = serializers.ListField(
        child=StrictCharField(max_length=40), max_length=len(Theme.values) + 5,
        help_text="One or more of: " + ", ".join(Theme.values) + ".",
    )  # fmt: skip
    show_author = serializers.BooleanField(required=False, default=False)


class PracticeCreateSerializer(PracticeInSerializer):
    speaks_for = id_field(
        required=False, allow_null=True,
        help_text="Id of the organisation the write-up is from; needed only when you speak for more than one.",
    )  # fmt: skip
    publish = serializers.BooleanField(required=False, default=False, help_text="Publish at once (else a draft).")


class PracticeEditSerializer(PracticeInSerializer):
    """Every field optional: what is not sent stays as it is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class SearchParamsSerializer(serializers.Serializer[object]):
    q = StrictCharField(required=False, allow_blank=True, max_length=500, help_text="Words to find.")
    theme = serializers.ChoiceField(choices=Theme.choices, required=False, allow_blank=True)
    mine = serializers.BooleanField(required=False, default=False, help_text="Only write-ups we may change, any state.")
