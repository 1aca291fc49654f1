"""Meetings, standing items, minutes and actions: the rules and their errors, each naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from core.dates import today
from networks import selectors, services
from networks.models import Action, AgendaItem, Meeting, StandingItem
from tests.networks.conftest import record_action, schedule, soon


def _titles(network, meeting) -> list[tuple[str, bool]]:
    with tenant_context(network):
        return [(i.title, i.is_standing) for i in AgendaItem.objects.filter(meeting=meeting)]


def test_a_meeting_in_the_past_scheduled_as_future_is_refused_naming_starts_at(network, coordinator):
    with tenant_context(network), pytest.raises(ValidationError) as raised:
        services.meeting_schedule(
            actor=coordinator,
            network=network,
            data=services.MeetingData(
                title="Spring", starts_at=timezone.now() - dt.timedelta(hours=1), location="Hall"
            ),
        )

    assert "is in the past" in raised.value.message_dict["starts_at"][0]
    with tenant_context(network):
        assert not Meeting.objects.exists()


def test_a_meeting_needs_a_place_or_a_link_a_title_and_an_https_link(network, coordinator):
    data = services.MeetingData(title="\u200b \u00a0", starts_at=soon(), online_link="http://meet.example/x")

    with tenant_context(network), pytest.raises(ValidationError) as raised:
        services.meeting_schedule(actor=coordinator, network=network, data=data)

    assert set(raised.value.message_dict) == {"title", "online_link"}
    with tenant_context(network), pytest.raises(ValidationError) as raised:
        services.meeting_schedule(
            actor=coordinator, network=network, data=services.MeetingData(title="Spring", starts_at=soon())
        )
    assert "place, an online link" in raised.value.message_dict["location"][0]


def test_a_past_meeting_can_be_recorded_only_when_asked_and_only_in_the_past(network, coordinator):
    past = schedule(network, coordinator, days=-3)
    assert past.is_past

    with tenant_context(network), pytest.raises(ValidationError) as raised:
        services.meeting_schedule(
            actor=coordinator,
            network=network,
            data=services.MeetingData(title="Later", starts_at=soon(), location="Hall", record_past=True),
        )
    assert "before now" in raised.value.message_dict["starts_at"][0]


def test_standing_items_recur_in_every_new_meeting_in_order_before_the_others(network, coordinator):
    # given
    with tenant_context(network):
        services.standing_item_add(actor=coordinator, network=network, title="Prevent update")
        services.standing_item_add(actor=coordinator, network=network, title="Actions from the last meeting")
        first = services.meeting_schedule(
            actor=coordinator,
            network=network,
            data=services.MeetingData(title="Autumn", starts_at=soon(7), location="Hall"),
            agenda=["Freedom of speech and external speakers", "  ", "\u200b"],
        )

    # when: a standing item is added at the first meeting, then the next meeting is scheduled
    with tenant_context(network):
        services.agenda_item_add(
            actor=coordinator, network=network, meeting=first, title="Community tensions", standing=True
        )
    second = schedule(network, coordinator, title="Spring", days=60)

    # then
    assert _titles(network, first) == [
        ("Prevent update", True),
        ("Actions from the last meeting", True),
        ("Freedom of speech and external speakers", False),
        ("Community tensions", True),
    ]
    assert _titles(network, second) == [
        ("Prevent update", True),
        ("Actions from the last meeting", True),
        ("Community tensions", True),
    ]


def test_a_retired_standing_item_stops_recurring_but_stays_on_agendas_already_made(network, coordinator):
    with tenant_context(network):
        item = services.standing_item_add(actor=coordinator, network=network, title="Prevent update")
    before = schedule(network, coordinator, days=5)
    with tenant_context(network):
        services.standing_item_set_active(actor=coordinator, network=network, item=item, active=False)
    after = schedule(network, coordinator, days=9)

    assert _titles(network, before) == [("Prevent update", True)]
    assert _titles(network, after) == []
    with tenant_context(network):
        assert StandingItem.objects.get(pk=item.pk).active is False


def test_minutes_wait_for_the_meeting_and_freeze_when_approved(network, coordinator):
    upcoming = schedule(network, coordinator, days=3)
    held = schedule(network, coordinator, days=-3)

    with tenant_context(network):
        with pytest.raises(ValidationError) as early:
            services.minutes_record(actor=coordinator, network=network, meeting=upcoming, minutes="Early")
        with pytest.raises(ValidationError) as approve_empty:
            services.minutes_approve(actor=coordinator, network=network, meeting=held)
        services.minutes_record(actor=coordinator, network=network, meeting=held, minutes="Agreed: share the template.")
        services.minutes_approve(actor=coordinator, network=network, meeting=held)
        with pytest.raises(ValidationError) as frozen:
            services.minutes_record(actor=coordinator, network=network, meeting=held, minutes="Changed")
        held.refresh_from_db()

    assert "has not taken place yet" in early.value.message_dict["minutes"][0]
    assert "before approving" in approve_empty.value.message_dict["minutes"][0]
    assert "no longer change" in frozen.value.message_dict["minutes"][0]
    assert held.minutes == "Agreed: share the template." and held.minutes_approved_by == coordinator


def test_an_action_needs_an_owner_that_is_a_member_and_a_due_date_not_before_today(network, partner, coordinator):
    meeting = schedule(network, coordinator, days=-1)

    with tenant_context(network), pytest.raises(ValidationError) as no_owner:
        services.action_record(
            actor=coordinator, network=network, meeting=meeting, description="Send figures", owner_organisation=None,
            due_on=today() - dt.timedelta(days=1),
        )  # fmt: skip
    with tenant_context(network), pytest.raises(ValidationError) as not_member:
        services.action_record(
            actor=coordinator, network=network, meeting=meeting, description="Send figures", owner_organisation=partner,
            due_on=today(),
        )  # fmt: skip

    assert set(no_owner.value.message_dict) == {"owner_organisation", "due_on"}
    assert "is before today" in no_owner.value.message_dict["due_on"][0]
    assert "is not a member of Northern HE Network" in not_member.value.message_dict["owner_organisation"][0]
    with tenant_context(network):
        assert not Action.objects.exists()


def test_a_past_action_may_be_recorded_explicitly_and_shows_as_overdue(network, org_a, org_b, coordinator):
    meeting = schedule(network, coordinator, days=-30)
    late = record_action(network, coordinator, meeting, org_a, due_on=today() - dt.timedelta(days=2), record_past=True)
    record_action(network, coordinator, meeting, org_b, due_on=today() + dt.timedelta(days=2))
    done = record_action(network, coordinator, meeting, org_b, due_on=today() - dt.timedelta(days=9), record_past=True)
    with tenant_context(network):
        services.action_set_status(actor=coordinator, network=network, action=done, status="done", note="Sent.")
        overdue = list(selectors.overdue_actions())
        rows = {r.organisation: (r.overdue, r.open) for r in selectors.overdue_by_owner(network)}

    assert overdue == [late] and late.is_overdue()
    # independent count: Alderley has one open action, overdue; Brackenford one open, not due, and one done
    assert rows == {"Alderley University": (1, 1), "Brackenford University": (0, 1)}


def test_an_unknown_status_is_refused_naming_status(network, org_a, coordinator):
    action = record_action(network, coordinator, schedule(network, coordinator, days=-1), org_a)
    with tenant_context(network), pytest.raises(ValidationError) as raised:
        services.action_set_status(actor=coordinator, network=network, action=action, status="finished")
    assert "status" in raised.value.message_dict


def test_a_former_members_past_actions_stay_and_are_labelled_in_the_chart(network, org_a, coordinator, client_on):
    meeting = schedule(network, coordinator, days=-5)
    record_action(network, coordinator, meeting, org_a, description="Bring the events calendar")
    services.membership_end(actor=coordinator, network=network, member=org_a, reason="removed")

    page = client_on(network, coordinator).get("/network/actions/").content.decode()

    assert "Bring the events calendar" in page
    assert "Alderley University (former member)" in page
