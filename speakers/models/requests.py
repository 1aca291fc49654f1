"""The request an organiser submits: the event and its external speakers."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from speakers.choices import EventFormat, Status

# More than any venue or stream in the sector; the column itself would stop at 2147483647.
MAX_EXPECTED_AUDIENCE = 1_000_000


class EventRequest(models.Model):
    reference = models.CharField(max_length=40, unique=True, null=True, blank=True)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True, help_text="Room and building, or the online platform.")
    format = models.CharField(max_length=12, choices=EventFormat.choices, default=EventFormat.IN_PERSON)
    open_to_public = models.BooleanField(default=False)
    livestreamed = models.BooleanField(default=False)
    recorded = models.BooleanField(default=False)
    expected_audience = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_EXPECTED_AUDIENCE)]
    )
    organising_body = models.CharField(max_length=200, blank=True, help_text="Department, team or society.")
    description = models.TextField(blank=True)

    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    notice_working_days = models.IntegerField(null=True, blank=True)
    notice_met = models.BooleanField(null=True, blank=True)
    short_notice_reason = models.TextField(blank=True)

    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_note = models.TextField(blank=True)

    imported = models.BooleanField(default=False, help_text="Brought in from a historical spreadsheet.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        permissions = [("decide_escalated_eventrequest", "Decide an escalated speaker or event request")]

    def __str__(self) -> str:
        return self.reference or f"Request {self.pk}"

    @property
    def is_higher_risk(self) -> bool:
        assessment = getattr(self, "assessment", None)
        return bool(assessment and assessment.is_higher_risk)


class Speaker(models.Model):
    request = models.ForeignKey(EventRequest, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(max_length=200, help_text="As the speaker is publicly known.")
    affiliation = models.CharField(max_length=200, blank=True)
    profile_links = models.TextField(blank=True, help_text="Public profile links, one a line.")
    topic = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name
