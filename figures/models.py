"""Network figures in an organisation's own schema.

* A member keeps `Submission`s: what it sent to which network for which period (counts only).
* A network keeps `Contribution`s: each member's figures for a period, as it received them through
  the exchange. A contribution stays when the member leaves: the figures it contributed remain in
  the network's past periods (issue 11), and nothing new arrives because the policy refuses it.
* A network keeps `TotalsSent`: which member was sent the network's totals for which period, and a
  digest of what was sent, so sending again only sends what changed.

Ids of other organisations are plain integers (the organisation lives in the public schema; a
name is kept as it was when received, for the page).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    """One version of our figures for a period, sent to a network."""

    network_id = models.IntegerField(help_text="The network (public Organisation id).")
    network_name = models.CharField(max_length=200)
    period_code = models.CharField(max_length=20, help_text='An academic term, e.g. "2025-26-autumn".')
    figures = models.JSONField(help_text="Counts only (figures.assembly.FORMAT).")
    record_id = models.IntegerField(help_text="The shared record in the exchange (sharing.SharedCheck id).")
    version = models.PositiveIntegerField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_code", "network_name", "-version"]
        indexes = [models.Index(fields=["network_id", "period_code"], name="figures_submission_lookup")]

    def __str__(self) -> str:
        return f"{self.period_code} → {self.network_name} (v{self.version})"


class Contribution(models.Model):
    """A member's figures for a period, as the network received them (the newest version)."""

    member_id = models.IntegerField(help_text="The member organisation (public Organisation id).")
    member_name = models.CharField(max_length=200)
    period_code = models.CharField(max_length=20)
    figures = models.JSONField()
    agreement_id = models.IntegerField(null=True, help_text="The agreement the record was read under.")
    record_id = models.IntegerField()
    record_version = models.PositiveIntegerField()
    shared_at = models.DateTimeField()
    ingested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_code", "member_name"]
        constraints = [
            models.UniqueConstraint(fields=["member_id", "period_code"], name="figures_one_contribution_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.member_name}: {self.period_code}"


class TotalsSent(models.Model):
    """The network's totals for a period as last sent to one member."""

    member_id = models.IntegerField()
    period_code = models.CharField(max_length=20)
    digest = models.CharField(max_length=64, help_text="SHA-256 of what was sent (to send only changes).")
    record_id = models.IntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member_id", "period_code"], name="figures_totals_once")]

    def __str__(self) -> str:
        return f"{self.period_code} → {self.member_id}"
