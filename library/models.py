"""Write-ups of good practice, kept in the schema of the organisation whose library they are in.

On a network's or group's site the library is shared by its members: each write-up is
*attributed* to the member organisation its author speaks for (`organisation`), so it stays that
member's after the author moves on. On any other organisation's site the library is the
organisation's own and every write-up is attributed to it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from library.choices import PracticeStatus, Theme
from tenants.models import Organisation

TITLE_LIMIT = 200
SUMMARY_LIMIT = 1_000
PRACTICE_LIMIT = 10_000
WORKED_LIMIT = 5_000
CONTACT_LIMIT = 200


class Practice(models.Model):
    title = models.CharField(max_length=TITLE_LIMIT)
    summary = models.TextField(help_text="Two or three sentences a reader scans in a list.")
    practice = models.TextField(help_text="What we do, and how.")
    what_worked = models.TextField(help_text="What worked, what did not, what we would change.")
    # A role ("Prevent lead"), not a person: readers ask the organisation, which routes the question.
    contact_role = models.CharField(max_length=CONTACT_LIMIT)
    show_author = models.BooleanField(default=False, help_text="Name the author as the contact too.")
    themes = ArrayField(models.CharField(max_length=20, choices=Theme.choices))
    status = models.CharField(max_length=12, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT)
    organisation = models.ForeignKey(Organisation, on_delete=models.DO_NOTHING, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # English full-text document of the title (weight A), summary (B) and the rest (C), accents
    # folded; written by the services in the same transaction as the text (library.search).
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-published_at", "-updated_at", "-pk"]
        indexes = [GinIndex(fields=["search"]), GinIndex(fields=["themes"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title

    def theme_labels(self) -> list[str]:
        return [Theme(t).label for t in self.themes if t in Theme.values]
