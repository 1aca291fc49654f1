"""What people see: the network pages, the member's own view and the dashboard panels (visible text)."""

from __future__ import annotations

import datetime as dt

from django_tenants.utils import tenant_context

from core.dates import today
from networks import services
from tenants.models import Role
from tests.html_text import visible_text
from tests.networks.conftest import record_action, schedule, soon


def test_the_coordinator_schedules_through_the_page_and_a_past_time_is_refused_naming_the_field(
    network, coordinator, client_on
):
    client = client_on(network, coordinator)
    past = (dt.datetime.now() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    refused = client.post(
        "/network/meetings/", {"title": "Spring", "starts_at": past, "duration_minutes": 90, "location": "Hall"}
    )
    made = client.post(
        "/network/meetings/",
        {"title": "Spring", "starts_at": soon(9).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 60, "location": "Hall",
         "agenda": "Figures\n\nTraining"},
        follow=True,
    )  # fmt: skip

    assert refused.status_code == 400
    assert "is in the past: choose a date and time after now" in visible_text(refused)
    text = visible_text(made)
    assert "Meeting scheduled: Spring." in text
    assert "Figures" in text and "Training" in text


def test_an_action_without_an_owner_is_refused_on_the_page_naming_the_owner(network, coordinator, client_on):
    meeting = schedule(network, coordinator, days=-1)

    refused = client_on(network, coordinator).post(
        f"/network/meetings/{meeting.pk}/actions/",
        {"action-description": "Send figures", "action-due_on": str(today())},
    )

    assert refused.status_code == 400
    assert "Choose the member organisation that owns this action." in visible_text(refused)


def test_a_reader_sees_the_meeting_but_no_forms_to_change_it(network, coordinator, member, client_on):
    meeting = schedule(network, coordinator, title="Autumn meeting", days=-2)
    reader = client_on(network, member(network, Role.REVIEWER))

    page = visible_text(reader.get(f"/network/meetings/{meeting.pk}/"))

    assert "Autumn meeting" in page and "No minutes recorded yet." in page
    assert "Record the action" not in page and "Circulate the paper" not in page
    assert reader.post(f"/network/meetings/{meeting.pk}/minutes/", {"minutes-minutes": "x"}).status_code == 403


def test_the_member_view_shows_the_meetings_papers_and_its_own_actions_only(
    network, org_a, org_b, coordinator, representative, client_on
):
    upcoming = schedule(network, coordinator, title="Spring meeting", days=10)
    with tenant_context(network):
        services.paper_circulate(
            actor=coordinator, network=network, meeting=upcoming, title="Regional update", text="x"
        )
    held = schedule(network, coordinator, days=-20)
    record_action(
        network,
        coordinator,
        held,
        org_a,
        description="Share the template",
        due_on=today() - dt.timedelta(days=3),
        record_past=True,
    )
    record_action(network, coordinator, held, org_b, description="Book the venue")

    page = visible_text(client_on(network, representative).get("/network/mine/"))

    assert "For Alderley University" in page
    assert "Spring meeting" in page and "Regional update" in page
    assert "Share the template" in page and "Overdue" in page
    assert "Book the venue" not in page


def test_the_dashboard_on_the_network_host_shows_the_representatives_actions(
    network, org_a, coordinator, representative, client_on
):
    held = schedule(network, coordinator, days=-5)
    record_action(
        network,
        coordinator,
        held,
        org_a,
        description="Bring the events calendar",
        due_on=today() + dt.timedelta(days=4),
    )
    schedule(network, coordinator, title="Spring meeting", days=12)

    page = visible_text(client_on(network, representative).get("/"))

    assert "For Alderley University" in page
    assert "Bring the events calendar" in page
    assert "Spring meeting" in page


def test_the_coordinator_sees_the_overdue_chart_with_its_table(network, org_a, coordinator, client_on):
    held = schedule(network, coordinator, days=-30)
    record_action(network, coordinator, held, org_a, due_on=today() - dt.timedelta(days=1), record_past=True)

    response = client_on(network, coordinator).get("/network/actions/")
    html = response.content.decode()

    assert "Overdue actions by owner organisation" in visible_text(response)
    assert "<svg" in html and "<table" in html
    assert '<th scope="row">Alderley University</th>' in html or "Alderley University" in visible_text(response)


def test_a_members_own_dashboard_lists_its_networks_from_public_links_only(network, org_a, member, client_on):
    page = visible_text(client_on(org_a, member(org_a, Role.REVIEWER)).get("/"))

    assert "Our networks" in page and "Northern HE Network" in page


def test_a_members_dashboard_links_to_what_concerns_it_in_each_network(network, org_a, member, client_on):
    """The card named the networks but gave no way to the meetings, papers and actions for us."""
    response = client_on(org_a, member(org_a, Role.PREVENT_LEAD)).get("/")

    assert "Meetings, papers and actions that concern us: in Northern HE Network" in visible_text(response)
    assert f'href="http://{network.slug}.' in response.content.decode()
    assert "/network/mine/" in response.content.decode()


def test_the_network_home_says_who_belongs_and_what_is_next(network, coordinator, representative, client_on):
    schedule(network, coordinator, title="Spring meeting", days=12)

    page = visible_text(client_on(network, representative).get("/network/"))

    assert "Convened by Brackenford University." in page
    assert "2 member organisations: Alderley University, Brackenford University." in page
    assert "You speak here for Alderley University" in page
    assert "Spring meeting" in page
