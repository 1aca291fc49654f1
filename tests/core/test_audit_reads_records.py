"""Reads of sensitive records are in the audit trail: each page view or API call that shows a
case, a concern, a meeting's agenda, a speaker request, pending identified transfers or a shared
check writes exactly ONE event, in the reader's organisation, naming the reader and the record,
with ids and a reason only (never a name or any content)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from sharing import services as sharing_services
from tenants.models import Role
from tests.agreements.conftest import Drafting
from tests.referrals.matrix import referrals_matrix_kwargs
from tests.sharing.conftest import FakeProjection
from tests.speakers.conftest import assess, submit
from tests.welfare.matrix import welfare_matrix_kwargs

SUBJECT = "Oyelaran"  # the welfare matrix's person of concern: must never be in an event


@pytest.fixture
def people(org_a, member):
    return {role: member(org_a, role) for role in Role.values}


@pytest.fixture
def records(org_a, org_b, people):
    ids = welfare_matrix_kwargs(org_a, people)
    ids |= referrals_matrix_kwargs(org_a, people, ids["case_id"], org_b)
    with tenant_context(org_a):
        request = submit(people[Role.ORGANISER], title="Faith and the city: a public debate")
        assess(people[Role.REVIEWER], request, risk_level="high", mitigations=("Independent chair",))
    ids["request_id"] = request.pk
    connection.set_schema_to_public()
    return ids


def _read(client, method, url, data=None):
    """The response, and the events written by the request (public schema, after it)."""
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = getattr(client, method)(url, data or {})
    connection.set_schema_to_public()
    return response, list(AuditEvent.objects.filter(id__gt=mark).order_by("id"))


def _one(events, action, org, actor, target_type, target_id=None):
    assert [e.action for e in events] == [action], [e.action for e in events]
    event = events[0]
    assert (event.organisation_id, event.actor_id, event.target_type) == (org.pk, actor.pk, target_type)
    if target_id is not None:
        assert event.target_id == str(target_id)
    assert SUBJECT not in json.dumps(event.detail) and "Faith" not in json.dumps(event.detail)
    return event


def _opened(client, case_id):
    answer = client.post(f"/welfare/cases/{case_id}/", {"reason": "Preparing for Thursday's meeting."})
    assert answer.status_code == 302
    connection.set_schema_to_public()


def test_the_triage_page_of_a_concern_is_one_read(org_a, people, records, client_on):
    officer = people[Role.SAFEGUARDING_OFFICER]
    response, events = _read(client_on(org_a, officer), "get", f"/welfare/triage/{records['concern_id']}/")
    assert response.status_code == 200
    event = _one(events, "concern.read", org_a, officer, "welfare.concern", records["concern_id"])
    assert event.detail == {"id": records["concern_id"], "reason": "triage"}


def test_the_triage_queue_page_and_api_are_one_read_each_naming_the_ids_shown(org_a, people, records, client_on):
    officer = people[Role.SAFEGUARDING_OFFICER]
    client = client_on(org_a, officer)

    page, page_events = _read(client, "get", "/welfare/triage/")
    api, api_events = _read(client, "get", "/api/v1/welfare/triage/")

    assert page.status_code == api.status_code == 200
    for events in (page_events, api_events):
        event = _one(events, "concern.list_read", org_a, officer, "welfare.concern")
        assert event.detail == {"ids": [records["concern_id"]], "reason": "triage_queue"}


def test_the_case_page_and_its_escalation_page_and_api_are_one_read_each(org_a, people, records, client_on):
    lead = people[Role.PREVENT_LEAD]
    client = client_on(org_a, lead)
    case_id = records["case_id"]
    _opened(client, case_id)

    for url in (f"/welfare/cases/{case_id}/", f"/welfare/cases/{case_id}/escalation/",
                f"/api/v1/welfare/cases/{case_id}/escalation/", f"/api/v1/welfare/cases/{case_id}/"):  # fmt: skip
        response, events = _read(client, "get", url)
        assert response.status_code == 200, url
        _one(events, "welfare.case_viewed", org_a, lead, "welfare.case", case_id)


def test_a_meeting_page_is_one_read(org_a, people, records, client_on):
    officer = people[Role.SAFEGUARDING_OFFICER]
    response, events = _read(client_on(org_a, officer), "get", f"/welfare/meetings/{records['meeting_id']}/")
    assert response.status_code == 200 and "Case " in response.content.decode()
    _one(events, "meeting.read", org_a, officer, "welfare.meeting", records["meeting_id"])


def test_a_speaker_request_page_and_api_are_one_read_each(org_a, people, records, client_on):
    reviewer = people[Role.REVIEWER]
    client = client_on(org_a, reviewer)
    pk = records["request_id"]

    page, page_events = _read(client, "get", f"/speakers/{pk}/")
    api, api_events = _read(client, "get", f"/api/v1/speakers/requests/{pk}/")

    assert "Faith and the city" in page.content.decode() and api.status_code == 200
    assert _one(page_events, "speaker_request.read", org_a, reviewer, "speakers.eventrequest", pk).detail == {
        "id": pk, "reason": "page"}  # fmt: skip
    _one(api_events, "speaker_request.read", org_a, reviewer, "speakers.eventrequest", pk)


def test_pending_identified_transfers_are_one_read_per_page_and_api_call(org_a, people, records, client_on):
    dpo = people[Role.DATA_PROTECTION_OFFICER]
    client = client_on(org_a, dpo)

    page, page_events = _read(client, "get", "/referrals/approvals/")
    api, api_events = _read(client, "get", "/api/v1/referrals/transfers/")

    assert "Needed to plan support" in page.content.decode() and api.status_code == 200
    for events in (page_events, api_events):
        event = _one(events, "referral.list_read", org_a, dpo, "referrals.transferrequest")
        assert event.detail == {"ids": [records["transfer_id"]], "reason": "approvals"}


def test_an_empty_list_writes_no_read_event(org_b, member, client_on):
    officer = member(org_b, Role.SAFEGUARDING_OFFICER)
    page, events = _read(client_on(org_b, officer), "get", "/welfare/triage/")
    assert "Nothing is waiting." in page.content.decode()
    assert events == []


def test_opening_another_organisations_shared_check_is_one_read_in_the_readers_trail(org_a, org_b, member, client_on):
    # given: B shared a check with A under an agreement in force
    Drafting(member).active([org_a, org_b])
    projection = FakeProjection(9, ("Leilani Kahananui",))
    (check,) = sharing_services.check_share(actor=None, source=org_b, projection=projection)
    reader = member(org_a, Role.PREVENT_LEAD)

    # when
    response, events = _read(client_on(org_a, reader), "get", f"/exchange/checks/{check.pk}/")

    # then: the opening is A's event (A's reader did it), not B's
    assert response.status_code == 200
    _one(events, "exchange.open", org_a, reader, "sharing.sharedcheck", check.pk)
    assert "Kahananui" not in json.dumps(events[0].detail)


def test_the_decision_page_showing_the_assessment_is_one_read(org_a, people, client_on):
    reviewer = people[Role.REVIEWER]
    with tenant_context(org_a):
        request = submit(people[Role.ORGANISER], title="Faith in public life: a panel")
        assess(reviewer, request, risk_level="medium", mitigations=("Independent chair",))
    connection.set_schema_to_public()

    response, events = _read(client_on(org_a, reviewer), "get", f"/speakers/{request.pk}/decide/")

    assert response.status_code == 200 and "Assessed risk" in response.content.decode()
    event = _one(events, "speaker_request.read", org_a, reviewer, "speakers.eventrequest", request.pk)
    assert event.detail == {"id": request.pk, "reason": "decide"}
