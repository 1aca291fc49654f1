"""A co-ordinator schedules a network meeting and records an action for a member; a person of that member
sees it on the network's dashboard, under the organisation they speak for."""

import datetime as dt

import pytest

from core.dates import LONDON, today

pytestmark = pytest.mark.browser


def test_a_coordinator_schedules_a_meeting_and_records_an_action_a_member_sees_it_on_its_dashboard(
    signed_in_page, hub_server, audit
):
    starts = (dt.datetime.now(tz=LONDON) + dt.timedelta(days=30)).replace(hour=10, minute=30)
    due = (today() + dt.timedelta(days=45)).isoformat()

    # given: Ioana, Midshire's co-ordinator, schedules the summer meeting
    ioana = signed_in_page("ioana.popescu@midshire-network.example")
    ioana.goto(hub_server.url("midshire-network", "/network/meetings/"))
    audit.check(ioana, "network meetings")
    ioana.get_by_label("Title", exact=True).fill("Network meeting: summer term")
    ioana.get_by_label("Starts at", exact=True).fill(starts.strftime("%Y-%m-%dT%H:%M"))
    ioana.get_by_label("Place", exact=True).fill("Eastbrook University, Senate Room")
    ioana.get_by_role("button", name="Schedule the meeting").click()
    assert ioana.get_by_text("Meeting scheduled: Network meeting: summer term.").is_visible()
    # the standing items came with it
    assert ioana.get_by_text("Prevent update from the regional co-ordinator").is_visible()
    audit.check(ioana, "network meeting")

    # when: she records an action for Eastbrook University
    ioana.get_by_label("Action", exact=True).fill("Pilot refresher sessions for events staff and report back")
    ioana.get_by_label("Owner organisation", exact=True).select_option(label="Eastbrook University")
    ioana.get_by_label("Due on", exact=True).fill(due)
    ioana.get_by_role("button", name="Record the action").click()
    assert ioana.get_by_text("Action recorded for Eastbrook University.").is_visible()
    row = ioana.get_by_test_id("action-row").filter(has_text="Pilot refresher sessions")
    assert "Eastbrook University" in row.inner_text()

    # then: Priya, Eastbrook's Prevent lead (a member of the network too), sees it on the network's dashboard
    priya = signed_in_page("priya.raman@eastbrook.example")
    priya.goto(hub_server.url("midshire-network", "/"))
    assert priya.get_by_role("heading", name="For Eastbrook University").is_visible()
    assert (
        priya.get_by_test_id("panel-action").filter(has_text="Pilot refresher sessions for events staff").is_visible()
    )
    assert priya.get_by_text("Network meeting: summer term").first.is_visible()
    audit.check(priya, "network dashboard")

    # and: on Eastbrook's own dashboard, the networks it belongs to
    priya.goto(hub_server.url("eastbrook", "/"))
    ours = priya.get_by_test_id("networks-panel")
    assert ours.get_by_role("heading", name="Our networks").is_visible()
    assert ours.get_by_role("link", name="Midshire HE Prevent Network", exact=True).is_visible()
    audit.assert_clean()
