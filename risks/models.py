"""The Prevent risk assessment an organisation keeps: risks, their history, and the action plan.

Owned by `risks.services` (every write, atomic and audited) and read through `risks.selectors`.
The seed's practices: the University of Birmingham's "Prevent risk assessment and action plan"
(periodic audits of space and speaker management as a control), Leeds College of Art's Prevent
group that reviews "the college's Prevent risk register and action plan", Regent's University's
working group that reviews "the risk assessment and action plan" twice a year, and KLC's core team
overseeing its Prevent Action Plan.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

SCALE = range(1, 6)  # likelihood and impact are each scored 1 (lowest) to 5 (highest)


class Category(models.TextChoices):
    """The themes of the sector's case studies (OfS 'What works'), as a register groups its risks."""

    SPEAKERS_EVENTS = "speakers_events", "External speakers and events"
    WELFARE = "welfare", "Welfare and pastoral care"
    LEADERSHIP = "leadership", "Leadership and partnership"
    ENGAGEMENT = "engagement", "Engagement with students"
    TRAINING = "training", "Staff training"
    IT = "it", "IT and online"
    PARTNERS = "partners", "Franchise and collaborative partners"


class Rating(models.TextChoices):
    """Bands of the score (likelihood × impact, 1–25). See `rating_for`."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


# The lowest score of each band: 1–4 low, 5–9 medium, 10–14 high, 15–25 very high (the usual 5 × 5
# matrix of UK public-sector risk registers; a register's own bands are its convention, not a rule).
BAND_FLOORS: tuple[tuple[int, Rating], ...] = (
    (15, Rating.VERY_HIGH),
    (10, Rating.HIGH),
    (5, Rating.MEDIUM),
    (1, Rating.LOW),
)


def rating_for(likelihood: int, impact: int) -> Rating:
    """The band of a score: likelihood and impact are each 1–5. Raises ValueError outside 1–5."""
    if likelihood not in SCALE or impact not in SCALE:
        raise ValueError("Likelihood and impact are each scored 1 to 5.")
    score = likelihood * impact
    return next(band for floor, band in BAND_FLOORS if score >= floor)


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted (tolerated at this level)"
    CLOSED = "closed", "Closed"


# Risks that are still part of the picture (heat map, ratings, sharing): open and accepted ones.
CURRENT_STATUSES = (RiskStatus.OPEN, RiskStatus.ACCEPTED)


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Risk(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    existing_controls = models.TextField(blank=True)
    planned_controls = models.TextField(blank=True)
    review_on = models.DateField()
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_1_5"
            ),
            models.CheckConstraint(condition=models.Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> Rating:
        return rating_for(self.likelihood, self.impact)

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    def review_due(self, on: date) -> bool:
        return self.is_current and self.review_on <= on


class RiskChange(models.Model):
    """One change to a risk: who, when, what (each field before and after, as shown), and why."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    # [{"field": "likelihood", "label": "Likelihood", "before": "3", "after": "4"}, ...]; [] when created.
    fields = models.JSONField(default=list)
    reason = models.TextField()
    created = models.BooleanField(default=False)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"Change to {self.risk} at {self.changed_at:%Y-%m-%d %H:%M}"


class RiskAction(models.Model):
    """An action of the plan: an owner, a due date and a status; about one risk or standalone."""

    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, on: date) -> bool:
        """Not done and due before `on` (a day counts as overdue from the day after it was due)."""
        return self.status != ActionStatus.DONE and self.due_on < on
