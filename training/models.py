"""Training records of one organisation (its own schema): courses, who must take which, the
staff list, and completions.

The staff list is the organisation's HR list, not its hub users: most staff never sign in. It
holds the least that coverage needs (UK GDPR Art. 5(1)(c), data minimisation): a staff id, a
name, an email address (optional, to match a learning system's export), a department and a role
(job family). Nothing else about a person is kept here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

MAX_REFRESHER_MONTHS = 120


class Tier(models.TextChoices):
    """The tiered model of the sector's case studies (Open University, London South Bank, BPP)."""

    AWARENESS = "awareness", "Awareness (all staff)"
    ENHANCED = "enhanced", "Enhanced (key roles)"
    FACE_TO_FACE = "face_to_face", "Face-to-face (specific groups)"


class Kind(models.TextChoices):
    """How the OfS annual return counts training delivered: induction, refresher, broader briefings."""

    INDUCTION = "induction", "Induction"
    REFRESHER = "refresher", "Refresher"
    BRIEFING = "briefing", "Briefing (broader sessions, workshops)"


class Source(models.TextChoices):
    PAGE = "page", "Recorded on the page"
    IMPORT = "import", "Imported from a learning system"
    API = "api", "Recorded through the API"


class Course(models.Model):
    title = models.CharField(max_length=200, help_text="As the learning system names it, e.g. 'Prevent awareness'.")
    code = models.CharField(max_length=40, blank=True, help_text="The learning system's course code, if it has one.")
    tier = models.CharField(max_length=20, choices=Tier.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    refresher_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_REFRESHER_MONTHS)],
        help_text="A completion expires after this many months; empty if it never expires.",
    )
    description = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [models.UniqueConstraint(Lower("title"), name="training_course_title_unique")]

    def __str__(self) -> str:
        return self.title


class StaffMember(models.Model):
    """One person on the organisation's staff list (see the module docstring for what is kept)."""

    staff_id = models.CharField(max_length=40, help_text="The HR or learning system's staff number.")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    department = models.CharField(max_length=120)
    role = models.CharField(max_length=120, help_text="Role or job family, e.g. 'Security', 'Academic'.")
    active = models.BooleanField(default=True, help_text="False once the person has left; leavers are not counted.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(Lower("staff_id"), name="training_staff_id_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_id})"


class Requirement(models.Model):
    """Who must take `course`: staff in `department` (empty: any department) with `role` (empty:
    any role). Both empty means all staff."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    department = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course__title", "department", "role", "pk"]
        constraints = [
            models.UniqueConstraint("course", Lower("department"), Lower("role"), name="training_requirement_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.who}"

    @property
    def who(self) -> str:
        if not self.department and not self.role:
            return "All staff"
        parts = [f"role {self.role}" if self.role else "", f"department {self.department}" if self.department else ""]
        return "Staff with " + " in ".join(p for p in parts if p)


class Completion(models.Model):
    person = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PAGE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "course", "completed_on"], name="training_completion_unique")
        ]
        indexes = [models.Index(fields=["completed_on"])]

    def __str__(self) -> str:
        return f"{self.course} on {self.completed_on}"
