"""API input parsing and output shapes for networks. Rules live in networks.services, not here."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hub.api_fields import BoundedDateTimeField, id_field, text_for
from networks.models import Action, ActionStatus, Meeting


class NetworkAgendaItemSerializer(serializers.Serializer[object]):
    title = serializers.CharField(read_only=True)
    standing = serializers.BooleanField(source="is_standing", read_only=True)


class NetworkPaperSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    file_name = serializers.CharField(read_only=True, help_text="Empty for a text paper.")
    size = serializers.IntegerField(read_only=True, help_text="Bytes of the file; 0 for a text paper.")


class NetworkMeetingSerializer(serializers.ModelSerializer[Meeting]):
    agenda = NetworkAgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    online_link = serializers.CharField(read_only=True, help_text="An https:// link, or empty.")
    papers = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "title", "starts_at", "ends_at", "duration_minutes", "location", "online_link", "agenda",
            "papers", "minutes", "minutes_approved_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(NetworkPaperSerializer(many=True))
    def get_papers(self, meeting: Meeting) -> list[dict[str, object]]:
        return [
            {"id": p.pk, "title": p.title, "file_name": p.file_name, "size": p.size}
            for p in meeting.papers.defer("content")
        ]


class NetworkMeetingInputSerializer(serializers.Serializer[object]):
    title = text_for(Meeting, "title")
    starts_at = BoundedDateTimeField(help_text="ISO 8601 with a UTC offset; in the future unless record_past.")
    duration_minutes = serializers.IntegerField(min_value=5, max_value=1440, default=90)
    location = text_for(Meeting, "location", allow_blank=True, default="")
    online_link = serializers.URLField(max_length=500, allow_blank=True, default="")
    agenda = serializers.ListField(child=text_for(Meeting, "title"), max_length=50, default=list)
    record_past = serializers.BooleanField(default=False)


class NetworkActionSerializer(serializers.ModelSerializer[Action]):
    owner_organisation = serializers.IntegerField(source="owner_organisation_id", read_only=True)
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "meeting", "description", "owner_organisation", "due_on", "status", "update_note", "overdue"]
        read_only_fields = fields

    def get_overdue(self, action: Action) -> bool:
        return action.is_overdue()


class NetworkActionInputSerializer(serializers.Serializer[object]):
    meeting = id_field()
    description = text_for(Action, "description")
    owner_organisation = id_field(allow_null=True, help_text="Id of a member organisation of this network.")
    due_on = serializers.DateField(allow_null=True)
    record_past = serializers.BooleanField(default=False)


class NetworkActionStatusSerializer(serializers.Serializer[object]):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    note = text_for(Action, "update_note", allow_blank=True, default="")
