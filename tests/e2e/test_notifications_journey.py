"""Eastbrook has an open speaker request; Northmoor decides a check of the same speaker and shares it.
Eastbrook's Prevent lead, with her dashboard and her notification centre open, sees the unread count
go up and the notification arrive in the list, without either page reloading."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

SPEAKER = "Dr Oluwaseun Marchetti-Lindqvist"
TEXT = "University of Northmoor shared a speaker check that matches an open speaker request"


def _request(page, hub_server, slug: str, title: str, speaker: str) -> None:
    start = (timezone.localtime() + timedelta(days=50)).strftime("%Y-%m-%dT18:00")
    page.goto(hub_server.url(slug, "/speakers/new/"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Date and start time").fill(start)
    page.get_by_label("Venue").fill("Lecture Theatre 4")
    page.get_by_label("Expected audience").fill("80")
    page.get_by_label("Organising body").fill("Debating Society")
    block = page.get_by_role("group", name="Speaker 1")
    block.get_by_label("Name").fill(speaker)
    block.get_by_label("Topic").fill("Urban water")
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url("**/speakers/*/")


def _decide(signed_in_page, hub_server) -> None:
    organiser = signed_in_page("siobhan.kelly@northmoor.example")
    _request(organiser, hub_server, "northmoor", "Rivers in the city", SPEAKER)
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


def _count(page) -> int:
    return int(page.get_by_test_id("unread-count").inner_text())


def test_a_matching_check_shows_up_live_in_the_header_and_the_centre(signed_in_page, hub_server, audit):
    # given: Eastbrook has an open request for the speaker
    _request(signed_in_page("gareth.hughes@eastbrook.example"), hub_server, "eastbrook", "Water futures", SPEAKER)

    # and its Prevent lead has her dashboard and her notification centre open, each marked so a reload shows
    dashboard = signed_in_page("priya.raman@eastbrook.example")
    dashboard.goto(hub_server.url("eastbrook", "/"))
    centre = dashboard.context.new_page()
    centre.set_default_timeout(15_000)
    centre.goto(hub_server.url("eastbrook", "/notifications/"))
    audit.check(centre, "notification centre")
    before = _count(dashboard)
    for page in (dashboard, centre):
        page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('live.js'))")
        page.evaluate("() => { window.__notReloaded = true; }")
    dashboard.wait_for_timeout(500)  # the sockets open

    # when: Northmoor decides a check of the same speaker (shared on decision, under the network agreement)
    _decide(signed_in_page, hub_server)

    # then: the count goes up on both pages and the centre lists the notification, with no reload
    dashboard.wait_for_function(
        f"() => document.querySelector('[data-testid=unread-count]').textContent === '{before + 1}'"
    )
    assert (
        dashboard.get_by_test_id("notifications-link").get_attribute("aria-label")
        == f"Notifications, {before + 1} unread"
    )
    assert dashboard.get_by_test_id("live-note").inner_text() == f"New: {TEXT}"
    item = centre.get_by_test_id("notification-list").get_by_test_id("notification").first
    item.get_by_role("link", name=TEXT).wait_for()
    assert "Unread:" in item.inner_text()
    # its button is named like the server-rendered ones (not one more bare "Mark as read" among many)
    assert item.get_by_role("button", name=TEXT).inner_text().startswith("Mark as read")
    assert _count(centre) == before + 1
    for page in (dashboard, centre):
        assert page.evaluate("() => window.__notReloaded") is True
    assert "Marchetti" not in item.inner_text()

    # and following it opens the matching request and marks it read
    item.get_by_role("link", name=TEXT).click()
    centre.wait_for_url(re.compile(r".*/speakers/\d+/$"))
    assert "Water futures" in centre.get_by_role("heading", level=1).inner_text()
    assert _count(centre) == before
    audit.assert_clean()
