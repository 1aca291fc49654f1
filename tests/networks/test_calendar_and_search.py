"""iCalendar export parses (icalendar) and holds the meeting; search finds past meetings, minutes and actions."""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django_tenants.utils import tenant_context
from icalendar import Calendar

from networks import selectors, services
from networks.models import MEETING_SEARCH, Meeting
from tests.html_text import visible_text
from tests.networks.conftest import record_action, schedule


def test_one_meeting_exports_as_an_ics_that_parses_with_its_time_place_and_agenda(
    network, coordinator, representative, client_on
):
    with tenant_context(network):
        services.standing_item_add(actor=coordinator, network=network, title="Prevent update")
    meeting = schedule(network, coordinator, title="Spring meeting", location="Civic Centre, Room 2")

    response = client_on(network, representative).get(f"/network/meetings/{meeting.pk}/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Spring meeting (Northern HE Network)"
    assert str(event["LOCATION"]) == "Civic Centre, Room 2"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=90)
    assert "1. Prevent update" in str(event["DESCRIPTION"])
    assert str(event["UID"]).startswith(f"meeting-{meeting.pk}@")


def test_the_feed_holds_every_upcoming_meeting_and_no_past_one(network, coordinator, representative, client_on):
    soon_one = schedule(network, coordinator, title="Soon", days=3)
    later = schedule(network, coordinator, title="Later", days=40)
    schedule(network, coordinator, title="Held", days=-3)

    response = client_on(network, representative).get("/network/meetings/calendar.ics")

    calendar = Calendar.from_ical(response.content)
    uids = sorted(str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT"))
    assert uids == sorted([f"meeting-{soon_one.pk}", f"meeting-{later.pk}"])


def _past_with_minutes(network, coordinator, title, minutes):
    meeting = schedule(network, coordinator, title=title, days=-10)
    with tenant_context(network):
        services.minutes_record(actor=coordinator, network=network, meeting=meeting, minutes=minutes)
    return meeting


def test_search_finds_past_minutes_by_word_stem_and_actions_but_not_upcoming_meetings(network, org_a, coordinator):
    autumn = _past_with_minutes(network, coordinator, "Autumn", "Members compared referrals to the Prevent lead.")
    _past_with_minutes(network, coordinator, "Winter", "Freedom of speech and campus events.")
    schedule(network, coordinator, title="Referral pathways workshop", days=10)  # upcoming: not searched
    action = record_action(network, coordinator, autumn, org_a, description="Bring anonymised referral figures")

    with tenant_context(network):
        found = selectors.search("referral")
        nothing = selectors.search("   ")
        phrase = selectors.search('"freedom of speech" -referral')

    assert [m.title for m in found.meetings] == ["Autumn"]
    assert found.actions == [action]
    assert nothing.count == 0
    assert [m.title for m in phrase.meetings] == ["Winter"]


def test_the_search_page_shows_what_it_found(network, org_a, coordinator, representative, client_on):
    autumn = _past_with_minutes(network, coordinator, "Autumn meeting", "Training for welfare teams, face to face.")
    record_action(network, coordinator, autumn, org_a, description="Circulate the training outline")

    page = visible_text(client_on(network, representative).get("/network/search/", {"q": "training"}))

    assert "2 results for “training”" in page
    assert "Autumn meeting" in page and "Circulate the training outline" in page and "Alderley University" in page


def test_the_search_expression_is_the_one_the_gin_index_holds(network):
    # PostgreSQL uses an expression index only for the same expression (README: Search).
    with tenant_context(network), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = 'networks_meeting_search'",
            [network.schema_name],
        )
        (definition,) = cursor.fetchone()
        query = Meeting.objects.annotate(search=MEETING_SEARCH).filter(search=SearchQuery("x", config="english"))
        sql = str(query.query)

    indexed = definition.split("USING gin ", 1)[1].strip("()")
    assert "to_tsvector('english'" in indexed
    for column in ("title", "location", "minutes"):
        assert column in indexed and f'"networks_meeting"."{column}"' in sql
