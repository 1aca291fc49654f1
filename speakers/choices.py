"""The fixed vocabularies of a speaker and event request.

Reason categories and free-speech answers follow the regulator's annual return and the
free-speech duty, so a later report can count them without guessing.
"""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted, awaiting review"
    ASSESSED = "assessed", "Assessed, awaiting decision"
    ESCALATED = "escalated", "Escalated to the senior decision-maker"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid (in person and online)"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Outcome(models.TextChoices):
    APPROVED = "approved", "Approved"
    APPROVED_WITH_MITIGATIONS = "approved_with_mitigations", "Approved with mitigations"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn by the organiser"
    SPEAKER_NOT_INVITED = "speaker_not_invited", "Decision not to invite the speaker"


# Outcomes a reviewer or senior decision-maker records; the other two come from the organiser.
DECISION_OUTCOMES = (Outcome.APPROVED, Outcome.APPROVED_WITH_MITIGATIONS, Outcome.REJECTED)
WITHDRAWAL_OUTCOMES = (Outcome.WITHDRAWN, Outcome.SPEAKER_NOT_INVITED)


class RejectionCategory(models.TextChoices):
    HEALTH_AND_SAFETY = "health_and_safety", "Health and safety"
    PROCEDURAL = "procedural", "Procedural matters"
    PREVENT = "prevent", "Reasons related to Prevent risk"
    OTHER = "other", "Other matters"


class MitigationBasis(models.TextChoices):
    PREVENT = "prevent", "Because of a Prevent-related risk"
    OTHER = "other", "For other reasons"


class MitigationTiming(models.TextChoices):
    BEFORE = "before", "Before the event"
    AFTER = "after", "After the event"


class MitigationProgress(models.TextChoices):
    PENDING = "pending", "Not yet done"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Could not be done"


class WithinLaw(models.TextChoices):
    YES = "yes", "Yes: the speech is within the law"
    NO = "no", "No: the speech would be unlawful"
    UNCLEAR = "unclear", "Unclear: legal advice taken or needed"
