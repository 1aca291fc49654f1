"""API for meetings and actions: scopes, and errors that name the field."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tenants.utils import tenant_context

from core.dates import today
from networks.models import Action, Meeting
from tenants.models import Role
from tests.networks.conftest import record_action, schedule, soon


def test_a_coordinator_schedules_a_meeting_through_the_api_with_its_standing_items(network, coordinator, client_on):
    client = client_on(network, coordinator)
    client.post("/network/standing-items/", {"title": "Prevent update"})

    response = client.post(
        "/api/v1/network/meetings/",
        {"title": "Spring", "starts_at": soon(10).isoformat(), "location": "Hall", "agenda": ["Figures"]},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert [(i["title"], i["standing"]) for i in response.json()["agenda"]] == [
        ("Prevent update", True),
        ("Figures", False),
    ]
    listed = client.get("/api/v1/network/meetings/").json()
    assert [m["title"] for m in listed["results"]] == ["Spring"]


def test_a_past_start_is_a_400_naming_starts_at_and_nothing_is_saved(network, coordinator, client_on):
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()

    response = client_on(network, coordinator).post(
        "/api/v1/network/meetings/",
        {"title": "Spring", "starts_at": past, "location": "Hall"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "is in the past" in response.json()["errors"]["starts_at"][0]
    with tenant_context(network):
        assert not Meeting.objects.exists()


def test_an_action_without_an_owner_is_a_400_naming_owner_organisation(network, coordinator, client_on):
    meeting = schedule(network, coordinator, days=-1)
    client = client_on(network, coordinator)

    no_owner = client.post(
        "/api/v1/network/actions/",
        {"meeting": meeting.pk, "description": "Send figures", "owner_organisation": None, "due_on": str(today())},
        content_type="application/json",
    )
    wrong_type = client.post(
        "/api/v1/network/actions/",
        {"meeting": meeting.pk, "description": 42, "owner_organisation": "x", "due_on": "31/02/2027"},
        content_type="application/json",
    )

    assert no_owner.status_code == 400 and list(no_owner.json()["errors"]) == ["owner_organisation"]
    assert wrong_type.status_code == 400
    assert set(wrong_type.json()["errors"]) == {"description", "owner_organisation", "due_on"}
    with tenant_context(network):
        assert not Action.objects.exists()


def test_actions_are_recorded_listed_and_closed_through_the_api(network, org_a, coordinator, client_on):
    meeting = schedule(network, coordinator, days=-1)
    client = client_on(network, coordinator)

    made = client.post(
        "/api/v1/network/actions/",
        {
            "meeting": meeting.pk,
            "description": "Share the template",
            "owner_organisation": org_a.pk,
            "due_on": str(today()),
        },
        content_type="application/json",
    )
    closed = client.patch(
        f"/api/v1/network/actions/{made.json()['id']}/",
        {"status": "done", "note": "Shared."},
        content_type="application/json",
    )

    assert made.status_code == 201 and made.json()["owner_organisation"] == org_a.pk
    assert closed.status_code == 200 and closed.json()["status"] == "done" and closed.json()["overdue"] is False
    assert [a["id"] for a in client.get("/api/v1/network/actions/").json()["results"]] == [made.json()["id"]]


def test_a_reader_may_list_but_not_write_and_a_stranger_sees_nothing(
    network, org_a, org_b, coordinator, member, client_on
):
    action = record_action(network, coordinator, schedule(network, coordinator, days=-1), org_a)
    reader = client_on(network, member(network, Role.PREVENT_LEAD))
    stranger = client_on(network, member(org_b, Role.PREVENT_LEAD))

    assert reader.get(f"/api/v1/network/actions/{action.pk}/").status_code == 200
    refused = reader.patch(f"/api/v1/network/actions/{action.pk}/", {"status": "done"}, content_type="application/json")
    assert refused.status_code == 403
    assert stranger.get("/api/v1/network/actions/").status_code == 404
    with tenant_context(network):
        assert Action.objects.get(pk=action.pk).status == "open"


def test_another_organisations_action_is_404_on_our_host(network, org_a, coordinator, member, client_on):
    action = record_action(network, coordinator, schedule(network, coordinator, days=-1), org_a)

    ours = client_on(org_a, member(org_a, Role.PREVENT_LEAD))

    assert ours.get(f"/api/v1/network/actions/{action.pk}/").status_code == 404
