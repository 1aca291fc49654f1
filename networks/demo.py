"""Demo content for networks (meetings, papers, minutes, actions): fictional, created idempotently.

Two networks of hub/demo.py: Midshire HE Prevent Network (convened by Eastbrook; co-ordinator
Ioana Popescu) and Riverside Silver Group (convened by Northmoor; co-ordinator Daniel Mensah). Each
gets standing items, a past meeting with approved minutes and actions owned by members (one of them
overdue), an upcoming meeting with its standing items and a paper; Midshire has an invitation to
Northmoor International College waiting for the college's admin.

One login (DESIGN.md): member organisations' people take part as members of the network
organisation. hub/demo.py gives Priya Raman (Eastbrook) a place in Midshire and Amara Okafor
(Northmoor) one in Riverside; `NETWORK_PEOPLE` below adds the other way round, so each Prevent lead
speaks for their university in both networks, and Fatima Rahman speaks for the college in Riverside.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from core.dates import LONDON
from networks import services
from networks.models import Meeting
from tenants import services as tenant_services
from tenants.models import Membership, NetworkInvitation, Organisation, Role, User

NETWORK_PEOPLE = [
    ("amara.okafor@northmoor.example", "midshire-network", (Role.PREVENT_LEAD,)),
    ("priya.raman@eastbrook.example", "riverside-silver", (Role.PREVENT_LEAD,)),
    ("fatima.rahman@northmoor-college.example", "riverside-silver", (Role.PREVENT_LEAD,)),
]

NETWORKS = {
    "midshire-network": {
        "coordinator": "ioana.popescu@midshire-network.example",
        "standing": [
            "Prevent update from the regional co-ordinator",
            "Actions from the last meeting",
            "Good practice from members",
        ],
        "past": (
            "Network meeting: autumn term",
            "Eastbrook University, Senate Room",
            "Present: Eastbrook University, University of Northmoor.\n\n"
            "1. Prevent update: the co-ordinator summarised the regional risk assessment and the refreshed "
            "guidance on external speakers. Members noted that most events are approved, often with an "
            "independent chair or a recording as mitigations.\n"
            "2. Freedom of speech: members agreed to record freedom-of-speech considerations beside risk in "
            "every speaker decision and to share a short template.\n"
            "3. Training: Northmoor described its face-to-face training for welfare teams; Eastbrook will "
            "pilot refresher sessions for events staff.\n"
            "4. Referrals: members compared how welfare concerns reach the Prevent lead and agreed to bring "
            "anonymised figures to the next meeting.",
            [
                ("eastbrook", "Share the speaker decision template with freedom-of-speech prompts", -10, False),
                ("northmoor", "Circulate the outline of the face-to-face training for welfare teams", 25, False),
                ("northmoor", "Confirm the venue for the spring meeting", -20, True),
            ],
        ),
        "upcoming": (
            "Network meeting: spring term",
            "University of Northmoor, Council Chamber",
            "https://meet.example/midshire-spring",
            ["Figures: speaker requests and training coverage this term"],
            (
                "Regional Prevent update: spring term",
                "The regional Prevent co-ordinator's update for members: the local risk picture, changes to "
                "guidance on external speakers and events, and dates of briefings open to all members' staff.",
            ),
        ),
        "invite": ("northmoor-college", "Would the college like to join? Members share good practice and figures."),
    },
    "riverside-silver": {
        "coordinator": "daniel.mensah@riverside-silver.example",
        "standing": ["Prevent update", "Community tensions and events in the city"],
        "past": (
            "Silver group: October",
            "Riverside Civic Centre, Room 2",
            "Present: University of Northmoor, Eastbrook University, Northmoor International College.\n\n"
            "1. Prevent update from the local authority's Prevent co-ordinator.\n"
            "2. Community tensions: no concerns raised about the city's autumn events; partners to keep "
            "sharing event calendars ahead of freshers' fairs.\n"
            "3. Safer spaces: the college asked for help with its first external speaker procedure; "
            "Northmoor offered to walk through its own.",
            [
                ("northmoor", "Walk the college through Northmoor's external speaker procedure", 14, False),
                ("northmoor-college", "Send the college's events calendar for next term to the group", -5, False),
            ],
        ),
        "upcoming": (
            "Silver group: January",
            "Riverside Civic Centre, Room 2",
            "",
            [],
            (
                "Events calendar: spring term",
                "Members' public events with external speakers, spring term (dates and venues only).",
            ),
        ),
        "invite": None,
    },
}


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.now().astimezone(LONDON).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LONDON)


def _network_people(by_slug: dict[str, Organisation]) -> None:
    for email, slug, roles in NETWORK_PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is not None and slug in by_slug:
            if not Membership.objects.filter(user=user, organisation=by_slug[slug]).exists():
                tenant_services.membership_grant(actor=None, organisation=by_slug[slug], user=user, roles=roles)


def _records(network: Organisation, spec: dict, by_slug: dict[str, Organisation]) -> None:
    actor = User.objects.filter(email=spec["coordinator"]).first()
    for title in spec["standing"]:
        services.standing_item_add(actor=actor, network=network, title=title)
    title, place, minutes, actions = spec["past"]
    past = services.meeting_schedule(
        actor=actor,
        network=network,
        data=services.MeetingData(title=title, starts_at=_at(-40, 10), location=place, record_past=True),
    )
    services.minutes_record(actor=actor, network=network, meeting=past, minutes=minutes)
    services.minutes_approve(actor=actor, network=network, meeting=past)
    for slug, description, due_in, done in actions:
        action = services.action_record(
            actor=actor,
            network=network,
            meeting=past,
            description=description,
            owner_organisation=by_slug[slug],
            due_on=_at(due_in, 0).date(),
            record_past=True,
        )
        if done:
            services.action_set_status(actor=actor, network=network, action=action, status="done", note="Agreed.")
    title, place, link, agenda, (paper_title, paper_text) = spec["upcoming"]
    upcoming = services.meeting_schedule(
        actor=actor,
        network=network,
        data=services.MeetingData(title=title, starts_at=_at(20, 14), location=place, online_link=link),
        agenda=agenda,
    )
    services.paper_circulate(actor=actor, network=network, meeting=upcoming, title=paper_title, text=paper_text)


def demo_networks(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo networks is missing; running it twice changes nothing."""
    _network_people(by_slug)
    for slug, spec in NETWORKS.items():
        network = by_slug.get(slug)
        if network is None:
            continue
        with tenant_context(network), transaction.atomic():
            if not Meeting.objects.exists():
                _records(network, spec, by_slug)
        invite = spec["invite"]
        if (
            invite
            and invite[0] in by_slug
            and not NetworkInvitation.objects.filter(network=network, invited=by_slug[invite[0]]).exists()
        ):
            coordinator = User.objects.filter(email=spec["coordinator"]).first()
            services.invitation_create(
                actor=coordinator, network=network, invited=by_slug[invite[0]], message=invite[1]
            )
