"""Each organisation's own procedure and its catalogue of mitigations."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from speakers.choices import MitigationTiming
from tenants.models import Role

DEFAULT_HIGHER_RISK_CRITERIA = [
    "A speaker's views may be unlawful (for example, they may draw people into terrorism)",
    "Credible information that the event may lead to disorder, protest or harassment",
    "The reviewer judges the overall risk to be high",
]


def default_reviewing_roles() -> list[str]:
    return [Role.REVIEWER.value, Role.PREVENT_LEAD.value]


def default_higher_risk_criteria() -> list[str]:
    return list(DEFAULT_HIGHER_RISK_CRITERIA)


class ProcedureConfig(models.Model):
    """The organisation's speaker and event procedure; one row per schema (see `procedure_config`).

    Minimum notice counts UK working days, Monday to Friday; bank holidays are not
    excluded, because they differ between the four nations and an organisation that
    wants them can raise the number instead.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    reviewing_roles = ArrayField(models.CharField(max_length=30, choices=Role.choices), default=default_reviewing_roles)
    higher_risk_criteria = ArrayField(models.CharField(max_length=300), default=default_higher_risk_criteria)
    minimum_notice_working_days = models.PositiveSmallIntegerField(default=15)
    senior_decision_maker_role = models.CharField(
        max_length=30, choices=Role.choices, default=Role.SENIOR_DECISION_MAKER
    )
    decision_validity_months = models.PositiveSmallIntegerField(
        default=12, help_text="How long a shared decision stays current before it expires."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        verbose_name = "speaker and event procedure"

    def __str__(self) -> str:
        return "Speaker and event procedure"


class Mitigation(models.Model):
    """An entry in the organisation's catalogue; retired entries stay so old decisions keep their label."""

    label = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    timing = models.CharField(max_length=10, choices=MitigationTiming.choices, default=MitigationTiming.BEFORE)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label
