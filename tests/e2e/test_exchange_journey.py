"""Northmoor decides a speaker check; Eastbrook, under the network agreement, finds it by a name variant;
the Riverside Silver Group, with no agreement, finds nothing."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

SPEAKER = "Prof. Aigerim Nakashima-Ostrowski"


def _submit_and_approve(signed_in_page, hub_server) -> None:
    start = (timezone.localtime() + timedelta(days=45)).strftime("%Y-%m-%dT18:00")
    organiser = signed_in_page("siobhan.kelly@northmoor.example")
    organiser.goto(hub_server.url("northmoor", "/speakers/new/"))
    organiser.get_by_label("Title").fill("Cities after the flood")
    organiser.get_by_label("Date and start time").fill(start)
    organiser.get_by_label("Venue").fill("Lecture Theatre 2")
    organiser.get_by_label("Expected audience").fill("120")
    organiser.get_by_label("Organising body").fill("Geography Society")
    speaker = organiser.get_by_role("group", name="Speaker 1")
    speaker.get_by_label("Name").fill(SPEAKER)
    speaker.get_by_label("Topic").fill("Climate adaptation")
    organiser.get_by_role("button", name="Submit for review").click()
    organiser.wait_for_url("**/speakers/*/")
    reviewer = signed_in_page("tomasz.nowak@northmoor.example")
    reviewer.goto(organiser.url)
    reviewer.get_by_role("link", name="Assess").click()
    reviewer.get_by_label("Low").check()
    reviewer.get_by_label("Freedom-of-speech considerations").fill("Lawful academic talk.")
    reviewer.get_by_role("group", name="Proposed mitigations").get_by_label("Event recorded").check()
    reviewer.get_by_role("button", name="Save assessment").click()
    reviewer.get_by_role("link", name="Decide").click()
    reviewer.get_by_label("Approved with mitigations").check()
    reviewer.get_by_label("Reasons for the decision").fill("Lawful; recorded as usual for public lectures.")
    reviewer.get_by_role("button", name="Record decision").click()
    reviewer.wait_for_url(organiser.url)
    assert "shared with the organisations your agreements allow" in reviewer.get_by_role("status").inner_text()


def _search(page, hub_server, slug: str, name: str):
    page.goto(hub_server.url(slug, "/exchange/"))
    page.get_by_label("Speaker's name").fill(name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=re.compile("shared checks? found")).wait_for()
    assert "name=" not in page.url  # the name never goes into the URL
    return page


def test_a_decided_check_is_found_by_a_partner_under_agreement_and_not_by_an_outsider(
    signed_in_page, hub_server, audit
):
    # given: Northmoor decides on the speaker (shared on decision, as its settings say)
    _submit_and_approve(signed_in_page, hub_server)

    # when: Eastbrook's Prevent lead searches a variant of the name
    eastbrook = _search(
        signed_in_page("priya.raman@eastbrook.example"), hub_server, "eastbrook", "aigerim nakashima ostrowski"
    )

    # then: she sees who assessed, the outcome and mitigation, and under which agreement
    result = eastbrook.locator("article.result").filter(has_text="Aigerim")
    assert result.get_by_test_id("source").inner_text() == "University of Northmoor"
    assert result.get_by_test_id("check-outcome").inner_text() == "Approved with mitigations"
    assert "Event recorded" in result.inner_text()
    assert result.get_by_test_id("agreement").inner_text().startswith("Visible to you under agreement")

    # and opening the result shows the same check on its own page (issue 9 §1: it was blank)
    result.get_by_role("link").first.click()
    eastbrook.wait_for_url(re.compile(r".*/exchange/checks/\d+/$"))
    assert eastbrook.get_by_test_id("speaker-name").inner_text() == SPEAKER
    assert eastbrook.get_by_test_id("check-outcome").inner_text() == "Approved with mitigations"
    assert "Event recorded" in eastbrook.get_by_test_id("mitigations").inner_text()
    audit.check(eastbrook, "exchange journey: shared check")

    # and the Riverside Silver Group, which has no agreement with Northmoor, finds nothing
    silver = _search(
        signed_in_page("amara.okafor@northmoor.example"), hub_server, "riverside-silver", "Aigerim Nakashima-Ostrowski"
    )
    assert silver.get_by_test_id("no-results").is_visible()
    assert silver.get_by_role("status").inner_text() == "0 shared checks found."
    audit.check(silver, "exchange journey: no results")
    audit.assert_clean()
    assert "Aigerim" not in silver.locator("main").inner_text().replace("Aigerim Nakashima-Ostrowski", "", 1)
