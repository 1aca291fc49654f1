"""A network's own records, in the network's schema: meetings, agenda, standing items, papers, actions.

Members' people take part as members of the network organisation (one login, DESIGN.md). An
action's owner is a member *organisation* (`owner_organisation`, a public-schema row): minutes
record which organisation undertook to do something, not which person. Who belongs to the network
is public (`tenants.OrganisationLink`, kind `member_of`); invitations are public too
(`tenants.NetworkInvitation`), because the invited organisation answers on its own host.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.utils import timezone

from core.dates import today

# The text a search reads (networks.selectors.search); the GIN indexes below are on the same
# expressions, so PostgreSQL can use them (README: "Search").
SEARCH_CONFIG = "english"
MEETING_SEARCH = SearchVector("title", "location", "minutes", config=SEARCH_CONFIG)
ACTION_SEARCH = SearchVector("description", "update_note", config=SEARCH_CONFIG)


class Meeting(models.Model):
    """A meeting of the network: when, where (a place and/or an online link), its agenda, papers, minutes."""

    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    minutes = models.TextField(blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["starts_at"], name="networks_meeting_starts"),
            GinIndex(MEETING_SEARCH, name="networks_meeting_search"),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.starts_at:%d %b %Y}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()


class StandingItem(models.Model):
    """An agenda item that recurs in every new meeting ("Prevent update", "Actions from last time")."""

    title = models.CharField(max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    standing_item = models.ForeignKey(
        StandingItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_standing(self) -> bool:
        return self.standing_item_id is not None


class Paper(models.Model):
    """A paper circulated for a meeting: a file (kept in this schema, served only as an attachment) or text."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    file_name = models.CharField(max_length=150, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(blank=True, default=b"")
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    circulated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["circulated_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def has_file(self) -> bool:
        return bool(self.file_name)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Action(models.Model):
    """An action agreed at a meeting: the member organisation that owns it, a due date and a status."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner_organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    update_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="networks_action_due"),
            models.Index(fields=["owner_organisation", "status"], name="networks_action_owner"),
            GinIndex(ACTION_SEARCH, name="networks_action_search"),
        ]

    def __str__(self) -> str:
        return self.description

    def is_overdue(self, on: dt.date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < (on or today())
