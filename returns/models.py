"""The annual Prevent return: one row per version of a year's return, in the organisation's own schema.

A version is a draft (re-assembled in place from the records) until the Prevent lead signs it off;
then its `data` — figures, where each came from, the gaps, and who signed it off when — is a frozen
snapshot: nothing writes to a signed-off version again, and `digest` (SHA-256 of the canonical JSON)
lets anyone check that. Assembling the year again starts version n+1 as a new draft.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED_OFF = "signed_off", "Signed off"


class AnnualReturn(models.Model):
    """One version of the return for one academic year (1 August – 31 July)."""

    year_code = models.CharField(max_length=7, help_text="The academic year, e.g. 2025-26.")
    year_start = models.DateField()
    year_end = models.DateField()
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT, db_index=True)
    # What `returns.assembly.assemble` produced (see its docstring for the shape). Frozen once signed off.
    data = models.JSONField(default=dict)
    assembled_at = models.DateTimeField(default=timezone.now)
    assembled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the signed-off snapshot.")

    class Meta:
        ordering = ["-year_start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["year_code", "version"], name="one_return_per_year_version"),
            models.UniqueConstraint(
                fields=["year_code"], condition=models.Q(status="draft"), name="one_draft_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"Prevent return {self.year_code} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == ReturnStatus.DRAFT
