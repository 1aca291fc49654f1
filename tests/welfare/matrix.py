"""Real welfare objects behind the URL kwargs of the role × page matrix (tests/hub/test_rights_matrix.py).

Every role holding a welfare scope can see these: the case's team is the safeguarding officer, and
the Prevent lead sees every case, so the matrix's cells are decided by the scope table alone. The
need-to-know rules beyond the scopes are tested in tests/welfare/test_visibility.py.
"""

from __future__ import annotations

from datetime import timedelta

from django_tenants.utils import tenant_context

from core.dates import today
from tenants.models import Organisation, Role
from tests.welfare.conftest import concern_input
from welfare import services
from welfare.choices import TriageOutcome
from welfare.models import Case


def welfare_matrix_kwargs(organisation: Organisation, people: dict) -> dict[str, int]:
    raiser, officer = people[Role.ORGANISER], people[Role.SAFEGUARDING_OFFICER]
    with tenant_context(organisation):
        waiting = services.concern_raise(actor=raiser, data=concern_input())
        opened = services.concern_raise(actor=raiser, data=concern_input(subject_given_name="Oyelaran"))
        services.concern_triage(actor=officer, concern=opened, outcome=TriageOutcome.CASE_OPENED)
        case = Case.objects.get(pk=opened.case_id)
        meeting = services.meeting_create(actor=officer, held_on=today() + timedelta(days=3))
        services.meeting_agenda_add(actor=officer, meeting=meeting, case=case)
        action = services.case_action_add(
            actor=officer, case=case, description="Check in with the tutor", owner=officer, due_on=today()
        )
    return {"concern_id": waiting.pk, "case_id": case.pk, "meeting_id": meeting.pk, "action_id": action.pk}
