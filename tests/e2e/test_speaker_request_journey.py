"""Organiser submits, reviewer assesses and approves with mitigations, organiser sees the decision."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def test_a_request_goes_from_organiser_to_reviewer_and_back_with_its_decision(signed_in_page, hub_server, audit):
    start = (timezone.localtime() + timedelta(days=40)).strftime("%Y-%m-%dT18:00")

    # given: Siobhan, an event organiser at Northmoor, fills in a new request
    organiser = signed_in_page("siobhan.kelly@northmoor.example")
    organiser.goto(hub_server.url("northmoor", "/speakers/new/"))
    organiser.get_by_label("Title").fill("Storytelling across borders")
    organiser.get_by_label("Date and start time").fill(start)
    organiser.get_by_label("Venue").fill("Room 1.12, Arts Tower")
    organiser.get_by_label("Expected audience").fill("70")
    organiser.get_by_label("Organising body").fill("Creative Writing Society")
    speaker = organiser.get_by_role("group", name="Speaker 1")
    speaker.get_by_label("Name").fill("Wiremu Tane-Harrison")
    speaker.get_by_label("Topic").fill("Oral storytelling")
    organiser.get_by_role("button", name="Submit for review").click()
    organiser.wait_for_url("**/speakers/*/")
    assert organiser.get_by_test_id("status").inner_text() == "Submitted, awaiting review"
    audit.check(organiser, "speaker request, submitted")
    detail_url = organiser.url
    organiser.goto(hub_server.url("northmoor", "/speakers/"))
    assert organiser.get_by_role("row").filter(has_text="Storytelling across borders").is_visible()

    # when: Tomasz, a reviewer, assesses it and approves it with an independent chair
    reviewer = signed_in_page("tomasz.nowak@northmoor.example")
    reviewer.goto(detail_url)
    reviewer.get_by_role("link", name="Assess").click()
    audit.check(reviewer, "speaker request, assess")
    reviewer.get_by_label("Medium").check()
    reviewer.get_by_label("Freedom-of-speech considerations").fill("Lawful storytelling; the free-speech duty applies.")
    reviewer.get_by_role("group", name="Proposed mitigations").get_by_label("Independent chair").check()
    reviewer.get_by_role("button", name="Save assessment").click()
    reviewer.get_by_role("link", name="Decide").click()
    audit.check(reviewer, "speaker request, decide")
    reviewer.get_by_label("Approved with mitigations").check()
    reviewer.get_by_label("Reasons for the decision").fill("Lawful; a chair keeps the discussion open and balanced.")
    reviewer.get_by_role("button", name="Record decision").click()
    reviewer.wait_for_url(detail_url)

    # then: Siobhan sees the decision and the condition she must meet
    organiser.goto(detail_url)
    assert organiser.get_by_test_id("outcome").inner_text() == "Approved with mitigations"
    assert organiser.get_by_role("cell", name="Independent chair", exact=True).is_visible()
    assert organiser.get_by_role("button", name="Record progress of Independent chair").is_visible()
    audit.check(organiser, "speaker request, decided")
    audit.assert_clean()
