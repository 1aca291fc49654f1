"""Attack: every route that shows or changes a case's content holds the reason-per-session gate.

The case list names no one ("Case 12"); the name and the content need a reason the first time in
a session (recorded on the case and audited). Other routes must not show them without it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from core.models import AuditEvent
from tenants.models import Role
from tests.welfare.conftest import open_case, opened_client
from welfare import services
from welfare.models import Case, CaseEntry

NAME = "Adebayo-Lindqvist"  # the family name tests.welfare.conftest.concern_input gives


@pytest.fixture
def lead_and_case(org_a, member):
    officer, lead = member(org_a, Role.SAFEGUARDING_OFFICER), member(org_a, Role.PREVENT_LEAD)
    case = open_case(org_a, officer, raiser=member(org_a, Role.ORGANISER))
    with tenant_context(org_a):
        meeting = services.meeting_create(actor=officer, held_on=today() + timedelta(days=3))
        services.meeting_agenda_add(actor=officer, meeting=meeting, case=case)
    return lead, case, meeting


def test_the_meeting_page_does_not_name_a_case_not_opened_with_a_reason_in_this_session(
    org_a, client_on, lead_and_case
):
    lead, case, meeting = lead_and_case
    before = client_on(org_a, lead).get(f"/welfare/meetings/{meeting.pk}/").content.decode()
    after = opened_client(client_on, org_a, lead, case).get(f"/welfare/meetings/{meeting.pk}/").content.decode()

    assert f"Case {case.pk}" in before and NAME not in before
    assert NAME in after


def test_the_meeting_pages_add_to_agenda_choices_do_not_name_unopened_cases(org_a, client_on, member):
    officer, lead = member(org_a, Role.SAFEGUARDING_OFFICER), member(org_a, Role.PREVENT_LEAD)
    case = open_case(org_a, officer, raiser=member(org_a, Role.ORGANISER))
    with tenant_context(org_a):
        meeting = services.meeting_create(actor=officer, held_on=today() + timedelta(days=3))

    page = client_on(org_a, lead).get(f"/welfare/meetings/{meeting.pk}/").content.decode()

    assert f"Case {case.pk}" in page and NAME not in page


def test_the_api_refuses_a_chronology_entry_on_a_case_not_opened_with_a_reason(org_a, client_on, lead_and_case):
    lead, case, _ = lead_and_case
    with tenant_context(org_a):
        entries = CaseEntry.objects.filter(case=case).count()
    client = client_on(org_a, lead)

    response = client.post(
        f"/api/v1/welfare/cases/{case.pk}/entries/",
        {"occurred_on": today().isoformat(), "text": "Spoke to her tutor."},
        content_type="application/json",
    )

    assert response.status_code == 400 and "reason" in response.json()["errors"]
    with tenant_context(org_a):
        assert CaseEntry.objects.filter(case=case).count() == entries


def test_the_api_refuses_to_change_escalation_on_a_case_not_opened_with_a_reason(org_a, client_on, lead_and_case):
    lead, case, _ = lead_and_case
    client = client_on(org_a, lead)

    changed = client.post(
        f"/api/v1/welfare/cases/{case.pk}/escalation/",
        {"prevent_lead_involved_on": today().isoformat()},
        content_type="application/json",
    )

    assert changed.status_code == 400 and "reason" in changed.json()["errors"]
    with tenant_context(org_a):
        assert Case.objects.get(pk=case.pk).prevent_lead_involved_on is None
        assert not AuditEvent.objects.filter(action="welfare.case_escalation_recorded").exists()


def test_the_triage_page_of_a_concern_in_a_case_asks_for_the_cases_reason_first(org_a, client_on, lead_and_case):
    lead, case, _ = lead_and_case
    with tenant_context(org_a):
        concern = case.concerns.get()

    before = client_on(org_a, lead).get(f"/welfare/triage/{concern.pk}/")
    after = opened_client(client_on, org_a, lead, case).get(f"/welfare/triage/{concern.pk}/")

    assert before.status_code == 302 and before["Location"] == f"/welfare/cases/{case.pk}/"
    assert NAME in after.content.decode()
