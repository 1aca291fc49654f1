"""What reviewers and decision-makers record: assessment, risk factors, mitigations, decision."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from speakers.choices import (
    MitigationBasis,
    MitigationProgress,
    MitigationTiming,
    Outcome,
    RejectionCategory,
    RiskLevel,
    WithinLaw,
)
from speakers.models.procedure import Mitigation
from speakers.models.requests import EventRequest


class Assessment(models.Model):
    """The reviewer's triage: risks and the free-speech considerations recorded beside them."""

    request = models.OneToOneField(EventRequest, on_delete=models.CASCADE, related_name="assessment")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, db_index=True)
    criteria_met = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    is_higher_risk = models.BooleanField(default=False)
    risk_summary = models.TextField(blank=True)
    free_speech_considerations = models.TextField()

    def __str__(self) -> str:
        return f"Assessment of request {self.request_id}"


class RiskFactor(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    factor = models.CharField(max_length=300)
    evidence = models.TextField()
    source = models.CharField(max_length=300)
    source_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.factor


class RequestMitigation(models.Model):
    """A mitigation proposed for one request, and later tracked to completion."""

    request = models.ForeignKey(EventRequest, on_delete=models.CASCADE, related_name="mitigations")
    mitigation = models.ForeignKey(Mitigation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=120)
    basis = models.CharField(max_length=10, choices=MitigationBasis.choices)
    timing = models.CharField(max_length=10, choices=MitigationTiming.choices)
    imposed = models.BooleanField(default=False, help_text="Made a condition by the decision.")
    progress = models.CharField(max_length=10, choices=MitigationProgress.choices, default=MitigationProgress.PENDING)
    progress_note = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class Decision(models.Model):
    """Who decided, when, and why — including what the annual return and the free-speech duty need."""

    request = models.OneToOneField(EventRequest, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=30, choices=Outcome.choices, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The roles the decider held at the time: the audit sample checks authority against these.
    decider_roles = ArrayField(models.CharField(max_length=30), default=list)
    as_senior_decision_maker = models.BooleanField(default=False)
    reasons = models.TextField()
    rejection_category = models.CharField(max_length=20, choices=RejectionCategory.choices, blank=True)
    rejection_explanation = models.TextField(blank=True)
    speech_within_law = models.CharField(max_length=10, choices=WithinLaw.choices, blank=True)
    free_speech_steps = models.TextField(blank=True)
    restriction_proportionality = models.TextField(blank=True)
    not_offence_or_reputation_alone = models.BooleanField(default=False)
    security_costs_passed_on = models.BooleanField(default=False)
    security_costs_circumstances = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} (request {self.request_id})"
