"""The fields of the national Prevent referral form, pre-filled from a case.

The hub fills what the case already records and leaves the rest for the Prevent lead, who checks
and completes the form and sends it through the national route themselves: the hub never sends
it. Fields the hub cannot know (address, contact details, consent) are listed under
`to_complete`, so nothing is silently left out.
"""

from __future__ import annotations

from typing import Any

from core.dates import today
from tenants.models import Membership, User
from welfare.choices import STAGE_FIELDS, PreventStage
from welfare.models import Case

FORM_NAME = "Prevent national referral form"
TO_COMPLETE = [
    "individual.gender",
    "individual.address",
    "individual.contact_telephone",
    "individual.contact_email",
    "individual.nationality",
    "individual.first_language_and_interpreter_needed",
    "individual.known_additional_needs",
    "referrer.telephone",
    "consent.individual_aware_of_referral",
    "consent.consent_given_or_reason_not_sought",
    "other_agencies_involved",
]


def referral_form_fields(*, case: Case, referrer: User, membership: Membership) -> dict[str, Any]:
    concerns = list(case.concerns.order_by("observed_on", "pk"))
    stages = [
        {"stage": PreventStage(stage).label, "date": getattr(case, field)}
        for stage, field in STAGE_FIELDS.items()
        if getattr(case, field) is not None
    ]
    return {
        "form": FORM_NAME,
        "prepared_on": today().isoformat(),
        "note": "Pre-filled by Partnership Hub from the organisation's own case record. Check every field, "
        "complete those listed under 'to_complete', and send the form through the national route yourself: "
        "the hub has not sent it.",
        "case": case.pk,
        "individual": {
            "given_names": case.subject_given_name,
            "family_name": case.subject_family_name,
            "date_of_birth": case.subject_date_of_birth,
            "student_or_staff": case.get_subject_kind_display(),
            "student_or_staff_number": case.subject_number,
            "education_setting": membership.organisation.name,
        },
        "referrer": {
            "name": referrer.full_name,
            "email": referrer.email,
            "organisation": membership.organisation.name,
            "role": ", ".join(membership.role_labels()),
            "relationship_to_individual": f"{case.get_subject_kind_display()} of {membership.organisation.name}",
        },
        "concerns": {
            "summary": case.summary,
            "what_was_seen_or_heard": [
                {"date": concern.observed_on, "description": concern.what_happened} for concern in concerns
            ],
            "immediate_risk": [concern.immediate_risk_details for concern in concerns if concern.immediate_risk],
            "ideology_or_nature_of_concern": case.get_ideology_category_display() if case.ideology_category else "",
            "context": case.context_notes,
            "freedom_of_speech_considerations": case.freedom_of_speech_notes,
        },
        "steps_taken_so_far": stages,
        "to_complete": TO_COMPLETE,
    }
