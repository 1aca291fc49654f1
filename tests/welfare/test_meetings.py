"""Students-of-concern meetings: an agenda of cases you can see, and actions agreed onto the cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from tenants.models import Role
from tests.welfare.conftest import open_case, opened_client
from welfare import services
from welfare.models import AgendaItem, CaseAction, Meeting


@pytest.fixture
def two_officers(org_a, member):
    mine, theirs = member(org_a, Role.SAFEGUARDING_OFFICER), member(org_a, Role.SAFEGUARDING_OFFICER)
    raiser = member(org_a, Role.ORGANISER)
    return mine, theirs, open_case(org_a, mine, raiser=raiser), open_case(org_a, theirs, raiser=raiser)


def test_only_a_case_you_can_see_goes_on_the_agenda_and_others_are_counted_not_named(org_a, client_on, two_officers):
    mine, theirs, my_case, their_case = two_officers
    client = client_on(org_a, mine)
    created = client.post("/welfare/meetings/", {"held_on": (today() + timedelta(days=2)).isoformat(), "title": ""})
    meeting_url = created["Location"]
    meeting_id = int(meeting_url.rstrip("/").split("/")[-1])

    added = client.post(f"{meeting_url}agenda/", {"agenda-case": my_case.pk})
    refused = client.post(f"{meeting_url}agenda/", {"agenda-case": their_case.pk})
    with tenant_context(org_a):  # the other officer adds their own case
        services.meeting_agenda_add(actor=theirs, meeting=Meeting.objects.get(pk=meeting_id), case=their_case)
    page = client.get(meeting_url).content.decode()

    assert added.status_code == 302 and refused.status_code == 400
    assert f"Case {my_case.pk}" in page and f"Case {their_case.pk}" not in page
    assert "1 other case on the agenda is not shown" in page
    with tenant_context(org_a):
        assert AgendaItem.objects.count() == 2


def test_an_action_agreed_at_a_meeting_becomes_an_action_on_the_case(org_a, client_on, two_officers):
    mine, _, my_case, _ = two_officers
    with tenant_context(org_a):
        meeting = services.meeting_create(actor=mine, held_on=today())
        services.meeting_agenda_add(actor=mine, meeting=meeting, case=my_case)
    client = opened_client(client_on, org_a, mine, my_case)

    response = client.post(f"/welfare/meetings/{meeting.pk}/actions/", {
        "agreed-case": my_case.pk, "agreed-description": "Arrange mentoring", "agreed-owner": mine.pk,
        "agreed-due_on": (today() + timedelta(days=14)).isoformat(),
    })  # fmt: skip
    case_page = client.get(f"/welfare/cases/{my_case.pk}/").content.decode()

    assert response.status_code == 302
    with tenant_context(org_a):
        action = CaseAction.objects.get(description="Arrange mentoring")
        assert action.case_id == my_case.pk and action.meeting_id == meeting.pk
    assert "Arrange mentoring" in case_page and "Students of concern meeting" in case_page


def test_someone_without_the_meetings_right_is_refused(org_a, member, client_on):
    response = client_on(org_a, member(org_a, Role.REVIEWER)).get("/welfare/meetings/")

    assert response.status_code == 403
