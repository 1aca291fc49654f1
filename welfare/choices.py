"""The fixed vocabularies of welfare concerns and cases (shared by welfare, referrals and partners).

The stages, outcomes and ideology categories follow the regulator's Prevent return, so a
report or an aggregate can count them without guessing. Use current terminology
("susceptible", not "vulnerable").
"""

from django.db import models


class ConcernStatus(models.TextChoices):
    """What the person who raised a concern sees; never the case."""

    RECEIVED = "received", "Received"
    BEING_LOOKED_AT = "being_looked_at", "Being looked at"
    CLOSED = "closed", "Closed"


class TriageOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    ADVICE_GIVEN = "advice_given", "Advice given"
    CASE_OPENED = "case_opened", "Case opened"
    MERGED = "merged", "Merged into an existing case"


class SubjectKind(models.TextChoices):
    STUDENT = "student", "Student"
    STAFF = "staff", "Member of staff"


class PreventStage(models.TextChoices):
    """The stages the return counts, in order; each is recorded with its date."""

    PREVENT_LEAD_INVOLVED = "prevent_lead_involved", "Prevent lead involved"
    EXTERNAL_ADVICE_SOUGHT = "external_advice_sought", "External advice sought"
    FORMAL_REFERRAL_MADE = "formal_referral_made", "Formal external referral made"


# The case field holding each stage's date, in the stages' order.
STAGE_FIELDS: dict[str, str] = {
    PreventStage.PREVENT_LEAD_INVOLVED: "prevent_lead_involved_on",
    PreventStage.EXTERNAL_ADVICE_SOUGHT: "external_advice_sought_on",
    PreventStage.FORMAL_REFERRAL_MADE: "formal_referral_made_on",
}


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    INTERNAL_SUPPORT = "internal_support", "Internal support"
    SPECIALIST_ADVICE_SUPPORT = "specialist_advice_support", "Referral for specialist advice and support"
    # Through the national referral form, with its date and reference. The hub pre-fills an export
    # of the form's fields for the Prevent lead; it never sends the form.
    PREVENT_REFERRAL = "prevent_referral", "Referral to Prevent"
    POLICE_REFERRAL = "police_referral", "Referral to the police"


class IdeologyCategory(models.TextChoices):
    MIXED_UNCLEAR_UNSTABLE = "mixed_unclear_unstable", "Mixed, unclear and unstable"
    ISLAMIST = "islamist", "Islamist"
    EXTREME_RIGHT_WING = "extreme_right_wing", "Extreme right-wing"
    OTHER = "other", "Other"
    NONE_SUSCEPTIBILITY = "none_susceptibility", "None / susceptibility only"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class EntryKind(models.TextChoices):
    """A line of a case's chronology."""

    NOTE = "note", "Note"
    CONTACT = "contact", "Contact"
    DOCUMENT = "document", "Document (described)"
    DECISION = "decision", "Decision"
