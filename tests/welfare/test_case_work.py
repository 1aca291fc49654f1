"""Chronology, case team, actions and closing: dated, attributed, and shown to the team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from tenants.models import Role
from tests.welfare.conftest import backdate, open_case, opened_client
from welfare.models import CaseAction, CaseEntry


@pytest.fixture
def setting(org_a, member, client_on):
    officer = member(org_a, Role.SAFEGUARDING_OFFICER, full_name="Ifeoma Carrick")
    case = backdate(
        org_a, open_case(org_a, officer, raiser=member(org_a, Role.ORGANISER)), today() - timedelta(days=10)
    )
    return officer, case, opened_client(client_on, org_a, officer, case)


def test_a_chronology_entry_is_dated_and_attributed(org_a, setting):
    officer, case, client = setting

    client.post(f"/welfare/cases/{case.pk}/entries/", {"entry-kind": "contact", "entry-occurred_on":
                (today() - timedelta(days=2)).isoformat(), "entry-text": "Phoned the hall warden."})  # fmt: skip
    page = client.get(f"/welfare/cases/{case.pk}/").content.decode()

    assert "Phoned the hall warden." in page and "Contact" in page and "Ifeoma Carrick" in page
    with tenant_context(org_a):
        entry = CaseEntry.objects.get(text="Phoned the hall warden.")
        assert entry.recorded_by_id == officer.pk and entry.occurred_on == today() - timedelta(days=2)


def test_a_future_dated_entry_is_refused_beside_its_field(org_a, setting):
    _, case, client = setting

    response = client.post(f"/welfare/cases/{case.pk}/entries/", {"entry-kind": "note", "entry-occurred_on":
                            (today() + timedelta(days=3)).isoformat(), "entry-text": "Tomorrow's plan"})  # fmt: skip

    assert response.status_code == 400 and 'id="id_entry-occurred_on_error"' in response.content.decode()
    with tenant_context(org_a):
        assert not CaseEntry.objects.filter(text="Tomorrow's plan").exists()


def test_only_safeguarding_team_members_join_a_case_team(org_a, member, setting):
    _, case, client = setting
    organiser, officer = member(org_a, Role.ORGANISER), member(org_a, Role.SAFEGUARDING_OFFICER)

    refused = client.post(f"/welfare/cases/{case.pk}/team/", {"team-person": organiser.pk})
    added = client.post(f"/welfare/cases/{case.pk}/team/", {"team-person": officer.pk})

    assert refused.status_code == 400 and added.status_code == 302
    with tenant_context(org_a):
        assert set(case.team.values_list("pk", flat=True)) == {setting[0].pk, officer.pk}


def test_an_action_has_an_owner_and_a_due_date_and_can_be_done_and_undone(org_a, member, setting):
    officer, case, client = setting
    due = (today() + timedelta(days=7)).isoformat()

    missing = client.post(f"/welfare/cases/{case.pk}/actions/", {"action-description": "Meet the tutor"})
    client.post(f"/welfare/cases/{case.pk}/actions/", {"action-description": "Meet the tutor",
                                                       "action-owner": officer.pk, "action-due_on": due})  # fmt: skip
    with tenant_context(org_a):
        action = CaseAction.objects.get()
    client.post(f"/welfare/cases/{case.pk}/actions/{action.pk}/", {"done": "1"})
    with tenant_context(org_a):
        action.refresh_from_db()
        assert action.done and action.done_on == today()
    client.post(f"/welfare/cases/{case.pk}/actions/{action.pk}/", {"done": "0"})

    assert missing.status_code == 400
    assert "Choose who owns the action" in missing.content.decode()
    with tenant_context(org_a):
        action.refresh_from_db()
        assert not action.done and action.owner_id == officer.pk


def test_closing_a_case_needs_a_date_not_before_it_opened_and_closes_its_concerns(org_a, setting):
    _, case, client = setting

    early = client.post(
        f"/welfare/cases/{case.pk}/close/", {"close-closed_on": (today() - timedelta(days=11)).isoformat()}
    )
    closed = client.post(f"/welfare/cases/{case.pk}/close/", {"close-closed_on": today().isoformat()})
    page = client.get(f"/welfare/cases/{case.pk}/").content.decode()
    late_entry = client.post(f"/welfare/cases/{case.pk}/entries/", {"entry-kind": "note",
                             "entry-occurred_on": today().isoformat(), "entry-text": "After closing"})  # fmt: skip

    assert early.status_code == 400 and "cannot close before it opened" in early.content.decode()
    assert closed.status_code == 302 and 'data-testid="case-status">Closed' in page
    assert late_entry.status_code == 400
    with tenant_context(org_a):
        assert {c.status for c in case.concerns.all()} == {"closed"}


def test_a_post_before_giving_a_reason_goes_to_the_reason_form_and_changes_nothing(org_a, client_on, setting):
    officer, case, _ = setting
    fresh = client_on(org_a, officer)

    response = fresh.post(f"/welfare/cases/{case.pk}/entries/", {"entry-kind": "note", "entry-occurred_on":
                          today().isoformat(), "entry-text": "Sneaky"})  # fmt: skip

    assert response.status_code == 302 and response["Location"] == f"/welfare/cases/{case.pk}/"
    with tenant_context(org_a):
        assert not CaseEntry.objects.filter(text="Sneaky").exists()
