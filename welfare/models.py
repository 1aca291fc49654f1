"""Welfare concerns and cases (tenant schema; never read across an organisation boundary).

People (raisers, case teams, owners) are `tenants.User` rows in the public schema. Foreign keys to
them use DO_NOTHING: users are never deleted, and a person who *leaves* loses a membership, not
their account, so what they raised or recorded stays, while their access ends with the membership
(`welfare.rights`). Rights are never stored here; they are computed from these assignments.

The person a concern or case is about (the *subject*) is held in plain name fields so that a
subject access search (`welfare.sar`) can find everything held about them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from welfare.choices import (
    CaseStatus,
    ConcernStatus,
    EntryKind,
    IdeologyCategory,
    Outcome,
    SubjectKind,
    TriageOutcome,
)

DEFAULT_RETENTION_DAYS = 2190  # six years after a case closes


class Subject(models.Model):
    """Who a concern or case is about: a student or a member of staff."""

    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices, default=SubjectKind.STUDENT)
    subject_given_name = models.CharField("given name", max_length=100)
    subject_family_name = models.CharField("family name", max_length=100)
    subject_date_of_birth = models.DateField("date of birth", null=True, blank=True)
    subject_number = models.CharField("student or staff number", max_length=40, blank=True, help_text="If you know it.")

    class Meta:
        abstract = True

    @property
    def subject_name(self) -> str:
        return f"{self.subject_given_name} {self.subject_family_name}".strip()


class Case(Subject):
    """A case kept by a case team on a need-to-know basis."""

    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True)
    summary = models.TextField(blank=True)
    opened_on = models.DateField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    closing_note = models.TextField(blank=True)
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    # The Prevent stages the return counts, each with its date, in order (welfare.services.cases).
    prevent_lead_involved_on = models.DateField(null=True, blank=True)
    external_advice_sought_on = models.DateField(null=True, blank=True)
    formal_referral_made_on = models.DateField(null=True, blank=True)

    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_recorded_on = models.DateField(null=True, blank=True)
    prevent_referral_on = models.DateField("date of the Prevent referral", null=True, blank=True)
    prevent_referral_reference = models.CharField("Prevent referral reference", max_length=60, blank=True)
    ideology_category = models.CharField(max_length=30, choices=IdeologyCategory.choices, blank=True)
    freedom_of_speech_notes = models.TextField(
        blank=True, help_text="Lawful views and expression are not, by themselves, a concern."
    )
    context_notes = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(external_advice_sought_on__isnull=True)
                | Q(
                    prevent_lead_involved_on__isnull=False,
                    external_advice_sought_on__gte=F("prevent_lead_involved_on"),
                ),
                name="welfare_case_external_advice_after_lead",
            ),
            models.CheckConstraint(
                condition=Q(formal_referral_made_on__isnull=True)
                | Q(
                    external_advice_sought_on__isnull=False,
                    formal_referral_made_on__gte=F("external_advice_sought_on"),
                ),
                name="welfare_case_formal_referral_after_advice",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.PREVENT_REFERRAL)
                | (Q(prevent_referral_on__isnull=False) & ~Q(prevent_referral_reference="")),
                name="welfare_case_prevent_referral_has_date_and_reference",
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN, closed_on__isnull=True)
                | Q(status=CaseStatus.CLOSED, closed_on__isnull=False),
                name="welfare_case_closed_on_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}"


class Concern(Subject):
    """A welfare concern raised by any member of staff; the raiser sees only it and its status."""

    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    observed_on = models.DateField("when it was seen or heard", help_text="Not in the future.")
    what_happened = models.TextField("what was seen or heard")
    immediate_risk = models.BooleanField("there is an immediate risk", default=False)
    immediate_risk_details = models.TextField("the immediate risk", blank=True)
    status = models.CharField(
        max_length=20, choices=ConcernStatus.choices, default=ConcernStatus.RECEIVED, db_index=True
    )

    triage_outcome = models.CharField(max_length=20, choices=TriageOutcome.choices, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_note = models.TextField(blank=True)
    # The case this concern was opened as or merged into. SET_NULL so that destroying a case at the
    # end of retention (welfare.retention) is not blocked by the concern that began it.
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns")

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"Concern {self.pk}"


class CaseEntry(models.Model):
    """One dated, attributed line of a case's chronology."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices, default=EntryKind.NOTE)
    occurred_on = models.DateField()
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_on", "recorded_at", "pk"]
        verbose_name_plural = "case entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class Meeting(models.Model):
    """A students-of-concern meeting: an agenda of cases and the actions agreed."""

    held_on = models.DateField()
    title = models.CharField(max_length=200, default="Students of concern meeting")
    notes = models.TextField(blank=True)
    agenda = models.ManyToManyField(Case, through="AgendaItem", related_name="meetings", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} on {self.held_on}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    discussion = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="welfare_case_once_per_agenda")]

    def __str__(self) -> str:
        return f"{self.case} at {self.meeting}"


class CaseAction(models.Model):
    """An action on a case with an owner and a due date; may have been agreed at a meeting."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done", "due_on", "pk"]

    def __str__(self) -> str:
        return f"Action {self.pk} on {self.case}"


class CaseOpening(models.Model):
    """Someone opened a case: who, when and why (shown on the case page, and audited)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="openings")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    via_api = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} opened at {self.opened_at:%Y-%m-%d %H:%M}"


class WelfareSettings(models.Model):
    """The organisation's welfare settings; one row per schema (see `welfare.selectors.welfare_settings`)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    retention_days = models.PositiveIntegerField(
        default=DEFAULT_RETENTION_DAYS, help_text="How long a closed case is kept before review for destruction."
    )
    # Named deputies of the Prevent lead: every case, and escalation (welfare.rights.deputy_scopes).
    deputies = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        verbose_name = "welfare settings"
        verbose_name_plural = "welfare settings"

    def __str__(self) -> str:
        return "Welfare settings"
