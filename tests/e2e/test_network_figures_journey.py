"""Members of the Riverside Silver Group send their figures for a term; the co-ordinator sees them in the chart."""

import pytest

from core.dates import today
from partners.periods import terms_ended_by

pytestmark = pytest.mark.browser

# (person, organisation host): the group's three members, each through its Prevent lead
MEMBERS = [
    ("amara.okafor@northmoor.example", "northmoor"),
    ("priya.raman@eastbrook.example", "eastbrook"),
    ("fatima.rahman@northmoor-college.example", "northmoor-college"),
]


def test_members_send_their_figures_and_they_appear_in_the_network_chart_the_coordinator_sees(
    signed_in_page, hub_server, audit
):
    term = terms_ended_by(today(), 3)[2]  # the demo sent the last two terms already

    # given: each member's Prevent lead reviews the term's figures and sends them to the group
    for email, host in MEMBERS:
        lead = signed_in_page(email)
        lead.goto(hub_server.url(host, "/figures/send/"))
        lead.get_by_label("Network").select_option(label="Riverside Silver Group")
        lead.get_by_label("Term").select_option(term.code)
        lead.get_by_role("button", name="Review the figures").click()
        assert lead.get_by_role("heading", name=f"Our figures for the {term.label}").is_visible()
        audit.check(lead, "network figures, review")
        lead.get_by_role("button", name="Send these figures").click()
        assert lead.get_by_text(f"Our figures for the {term.label} were sent to Riverside Silver Group.").is_visible()
        audit.check(lead, "network figures, ours")

    # when: the group's co-ordinator opens the network figures
    daniel = signed_in_page("daniel.mensah@riverside-silver.example")
    daniel.goto(hub_server.url("riverside-silver", "/figures/"))

    # then: the term is in the contributors table with all three, and in the chart's table of figures
    row = daniel.get_by_test_id("contributors").get_by_role("row").filter(has_text=term.label)
    assert row.get_by_role("cell").nth(0).inner_text() == "3"
    assert "University of Northmoor" in row.inner_text() and "Eastbrook University" in row.inner_text()
    chart = daniel.locator("figure").filter(has_text="Network: speaker and event requests by outcome")
    assert chart.locator("svg").count() == 1
    figures_row = chart.get_by_role("row").filter(has_text=term.label)
    assert "withheld" not in figures_row.inner_text() and "no data" not in figures_row.inner_text()
    audit.check(daniel, "network figures, co-ordinator")
    audit.assert_clean()
