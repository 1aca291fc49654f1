"""Helpers for welfare tests: raise a concern, open a case from it, open it with a reason.

Every subject name is fictional; names of many backgrounds appear across every outcome.
"""

from __future__ import annotations

from datetime import date, timedelta

from django_tenants.utils import tenant_context

from core.dates import today
from tenants.models import Organisation, User
from welfare import services
from welfare.choices import TriageOutcome
from welfare.models import Case, Concern
from welfare.services import ConcernInput


def concern_input(**overrides: object) -> ConcernInput:
    fields: dict[str, object] = {
        "subject_given_name": "Temperance",
        "subject_family_name": "Adebayo-Lindqvist",
        "observed_on": today() - timedelta(days=1),
        "what_happened": "Shared a video in the common room and spoke of a 'coming war' with classmates.",
    }
    fields.update(overrides)
    return ConcernInput(**fields)  # type: ignore[arg-type]


def raise_concern(org: Organisation, raiser: User, **overrides: object) -> Concern:
    with tenant_context(org):
        return services.concern_raise(actor=raiser, data=concern_input(**overrides))


def open_case(org: Organisation, triager: User, concern: Concern | None = None, raiser: User | None = None) -> Case:
    """Triage a (new) concern into a new case; the triager is on its team."""
    with tenant_context(org):
        if concern is None:
            assert raiser is not None
            concern = services.concern_raise(actor=raiser, data=concern_input())
        services.concern_triage(actor=triager, concern=concern, outcome=TriageOutcome.CASE_OPENED)
        concern.refresh_from_db()
        return Case.objects.get(pk=concern.case_id)


def backdate(org: Organisation, case: Case, opened_on: date) -> Case:
    with tenant_context(org):
        Case.objects.filter(pk=case.pk).update(opened_on=opened_on)
        case.refresh_from_db()
        return case


def opened_client(client_on, org: Organisation, user: User, case: Case, reason: str = "Preparing for the meeting"):
    """A client that has given its reason for `case` in this session."""
    client = client_on(org, user)
    response = client.post(f"/welfare/cases/{case.pk}/", {"reason": reason})
    assert response.status_code == 302, response.status_code
    return client
