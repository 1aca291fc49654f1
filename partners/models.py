"""partners: a franchise partner's periodic reports, training records and a university's comments.

All of these live in an organisation's own schema (working records). A report leaves the
partner only when its Prevent lead signs it off: then a projection of it is sealed in the
exchange (`sharing.records.record_share`) for the validating university, under the agreement.
The university reads it from the exchange, never from the partner's schema; its comments on a
report stay in the university's schema.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from partners.periods import Period, period_from_code

MAX_ATTENDEES = 100_000


class PeriodKind(models.TextChoices):
    TERMLY = "termly", "Termly"
    ANNUAL = "annual", "Annual"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    # Signed off by the Prevent lead. Signing off and sending happen in one transaction (a report
    # the agreement does not let us send is not signed off either), so a stored report is a draft
    # or sent; the value exists for the API's and the audit's vocabulary.
    SIGNED_OFF = "signed_off", "Signed off"
    SENT = "sent", "Signed off and sent"


class PartnerReport(models.Model):
    """One version of the report for one period. Re-filing a period adds version n+1, never a second row
    for the same version; at most one draft per period exists at a time."""

    period_code = models.CharField(max_length=20, help_text="e.g. 2025-26-autumn (see partners.periods).")
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True)

    # Assembled by the hub from the organisation's own records; read-only (re-assemble to refresh).
    figures = models.JSONField(default=dict)
    assembled_at = models.DateTimeField(default=timezone.now)
    assembled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")

    # What the partner writes; editable until sign-off.
    training_delivered = models.TextField(blank=True)
    policy_changes = models.TextField(blank=True)
    open_actions = models.TextField(blank=True)
    comments = models.TextField(blank=True, help_text="Anything else the university should know.")

    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # The exchange's record(s) this version went out as: [{"recipient_id", "record_id", "version"}].
    shared_as = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_end", "period_kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period_code", "version"], name="one_report_per_period_version"),
            models.UniqueConstraint(
                fields=["period_code"], condition=models.Q(status="draft"), name="one_draft_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.period_code} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReportStatus.DRAFT

    @property
    def period(self) -> Period:
        return period_from_code(self.period_code)


class TrainingRecord(models.Model):
    """Training delivered: by this organisation to its own staff (`partner_id` empty), or by a
    validating university to a partner's staff (`partner_id` is that partner's organisation id)."""

    delivered_on = models.DateField()
    topic = models.CharField(max_length=200)
    audience = models.CharField(max_length=200, help_text="Who attended, e.g. 'Student services staff'.")
    attendees = models.PositiveIntegerField(validators=[MaxValueValidator(MAX_ATTENDEES)])
    partner_id = models.IntegerField(null=True, blank=True, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-delivered_on", "-pk"]

    def __str__(self) -> str:
        return f"Training on {self.delivered_on}: {self.topic}"


class ReportComment(models.Model):
    """The validating university's comment on a report it received; it stays at the university."""

    source_id = models.IntegerField(help_text="The partner organisation that sent the report.")
    record_id = models.IntegerField(help_text="The exchange record (one version of the report) commented on.")
    ref = models.CharField(max_length=80)
    record_version = models.PositiveIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["source_id", "ref"])]

    def __str__(self) -> str:
        return f"Comment on record {self.record_id}"
