"""The library's fixed vocabularies.

`Theme` is the set of themes the sector's published case studies of effective Prevent practice
are sorted by (the Prevent duty guidance's themes; seeds/000, "Download case studies"), so a
write-up here sits beside the case studies it learns from.
"""

from django.db import models


class Theme(models.TextChoices):
    WELFARE = "welfare", "Welfare"
    SPEAKERS_AND_EVENTS = "speakers_events", "External speakers and events"
    LEADERSHIP = "leadership", "Leadership and partnership"
    STUDENTS = "students", "Engagement with students"
    TRAINING = "training", "Training"
    IT = "it", "IT"
    FRANCHISE = "franchise", "Arrangements for franchise partners"


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
