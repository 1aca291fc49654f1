"""iCalendar (RFC 5545) export of a network's meetings, with the `icalendar` library (pinned).

Each event's UID is stable (`meeting-<id>@<network host>`), so a calendar that subscribed to the
feed updates a moved meeting instead of adding a second one. Times are UTC instants (`Z`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from networks.models import Meeting
from tenants.models import Organisation

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _event(meeting: Meeting, network: Organisation, host: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", f"{meeting.title} ({network.name})")
    if meeting.location:
        event.add("location", meeting.location)
    page = f"https://{host}/network/meetings/{meeting.pk}/"
    event.add("url", meeting.online_link or page)
    agenda = "\n".join(f"{n}. {item.title}" for n, item in enumerate(meeting.agenda_items.all(), start=1))
    lines = [
        f"Agenda:\n{agenda}" if agenda else "",
        f"Join online: {meeting.online_link}" if meeting.online_link else "",
        page,
    ]
    event.add("description", "\n\n".join(line for line in lines if line))
    return event


def meetings_ics(meetings: Iterable[Meeting], *, network: Organisation, host: str) -> bytes:
    """An iCalendar file with one VEVENT per meeting; the agenda (titles only) in each description."""
    calendar = Calendar()
    calendar.add("prodid", "-//Partnership Hub//networks//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{network.name}: meetings")
    for meeting in meetings:
        calendar.add_component(_event(meeting, network, host))
    return calendar.to_ical()
