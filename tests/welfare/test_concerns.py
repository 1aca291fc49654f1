"""Raising a concern, what the raiser sees afterwards, the notification, and triage."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from core import live
from core.dates import today
from core.models import AuditEvent
from notifications.kinds import Kind
from notifications.models import Notification
from tenants import services as tenant_services
from tenants.models import Membership, Role
from tests.welfare.conftest import open_case, raise_concern
from welfare import services
from welfare.choices import ConcernStatus, TriageOutcome
from welfare.models import Case, Concern

FORM = {
    "subject_kind": "student",
    "subject_given_name": "Marisol",
    "subject_family_name": "Achterberg",
    "observed_on": (today() - timedelta(days=2)).isoformat(),
    "what_happened": "Talked about a 'race war' to a group after the lecture.",
}


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(live, "send_after_commit", lambda group, message: messages.append((group, message)))
    return messages


def _concerns(org) -> int:
    with tenant_context(org):
        return Concern.objects.count()


def test_a_concern_dated_in_the_future_is_refused_with_a_message_on_the_field(org_a, member, client_on, sent):
    client = client_on(org_a, member(org_a, Role.ORGANISER))
    tomorrow = (today() + timedelta(days=1)).isoformat()

    page = client.post("/welfare/concerns/new/", {**FORM, "observed_on": tomorrow})
    api = client.post("/api/v1/welfare/concerns/", {**FORM, "observed_on": tomorrow}, content_type="application/json")

    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="id_observed_on_error"' in html and "cannot be in the future" in html
    assert api.status_code == 400 and "cannot be in the future" in api.json()["errors"]["observed_on"][0]
    assert _concerns(org_a) == 0 and sent == []


def test_the_raiser_sees_what_they_submitted_and_its_status_never_the_case(org_a, member, client_on, sent):
    raiser, officer = member(org_a, Role.REVIEWER), member(org_a, Role.SAFEGUARDING_OFFICER)
    client = client_on(org_a, raiser)
    client.post("/welfare/concerns/new/", FORM)
    mine = client.get("/welfare/").content.decode()
    assert "Achterberg" in mine and "Received" in mine

    with tenant_context(org_a):
        concern = Concern.objects.get()
    case = open_case(org_a, officer, concern=concern)
    with tenant_context(org_a):
        services.case_entry_add(
            actor=officer, case=case, kind="note", occurred_on=today(), text="Spoke to the family liaison."
        )
    looked_at = client.get("/welfare/").content.decode()
    api = client.get("/api/v1/welfare/concerns/").json()["results"]

    assert "Being looked at" in looked_at
    assert "family liaison" not in looked_at and f"/welfare/cases/{case.pk}/" not in looked_at
    assert api[0]["status"] == "being_looked_at" and "case" not in api[0]
    assert client.get(f"/welfare/cases/{case.pk}/").status_code == 403
    with tenant_context(org_a):
        services.case_close(actor=officer, case=case, closed_on=today())
    assert "Closed" in client.get("/welfare/").content.decode()


def test_the_safeguarding_team_is_told_at_once_and_the_notification_names_no_one(org_a, org_b, member, client_on, sent):
    raiser = member(org_a, Role.ORGANISER, full_name="Ruairí Nakashima")
    officer, lead = member(org_a, Role.SAFEGUARDING_OFFICER), member(org_a, Role.PREVENT_LEAD)
    elsewhere = member(org_b, Role.SAFEGUARDING_OFFICER)
    urgent = {**FORM, "immediate_risk": "on", "immediate_risk_details": "Mentioned Friday's rally."}
    client_on(org_a, raiser).post("/welfare/concerns/new/", urgent)

    with tenant_context(org_a):
        concern = Concern.objects.get()
        told = list(Notification.objects.filter(kind=Kind.CONCERN).order_by("recipient_id"))
    assert [n.recipient_id for n in told] == sorted([officer.pk, lead.pk])  # the team; not the raiser
    assert {(n.scope, n.url) for n in told} == {("welfare:triage", f"/welfare/triage/{concern.pk}/")}
    assert "urgent" in told[0].text.lower()
    with tenant_context(org_b):
        assert not Notification.objects.filter(recipient=elsewhere).exists()
    text = json.dumps([n.text for n in told])
    for identifying in ("Marisol", "Achterberg", "Ruairí", "Nakashima", "race war", "rally", str(raiser.pk)):
        assert identifying not in text
    connection.set_schema_to_public()
    event = AuditEvent.objects.get(action="welfare.concern_raised")
    assert "Achterberg" not in json.dumps(event.detail) and "race war" not in json.dumps(event.detail)


def test_a_raiser_who_leaves_keeps_their_concern_on_record_but_loses_access(org_a, member, client_on, sent):
    raiser, officer = member(org_a, Role.ORGANISER), member(org_a, Role.SAFEGUARDING_OFFICER)
    concern = raise_concern(org_a, raiser)
    client = client_on(org_a, raiser)
    assert client.get("/welfare/").status_code == 200

    tenant_services.membership_remove(
        actor=member(org_a, Role.ORG_ADMIN), membership=Membership.objects.get(user=raiser, organisation=org_a)
    )

    assert client.get("/welfare/").status_code == 404
    assert client.get("/api/v1/welfare/concerns/").status_code == 404
    with tenant_context(org_a):
        kept = Concern.objects.get(pk=concern.pk)
        assert kept.raised_by_id == raiser.pk and kept.status == ConcernStatus.RECEIVED
    triage = client_on(org_a, officer).get(f"/welfare/triage/{concern.pk}/").content.decode()
    assert "Adebayo-Lindqvist" in triage and raiser.full_name in triage


@pytest.mark.parametrize(
    "outcome,note,status",
    [
        (TriageOutcome.NO_FURTHER_ACTION, "", ConcernStatus.CLOSED),
        (TriageOutcome.ADVICE_GIVEN, "Told the tutor how to talk it through.", ConcernStatus.CLOSED),
        (TriageOutcome.CASE_OPENED, "", ConcernStatus.BEING_LOOKED_AT),
        (TriageOutcome.MERGED, "", ConcernStatus.BEING_LOOKED_AT),
    ],
)
def test_triage_changes_what_the_raiser_sees(org_a, member, client_on, sent, outcome, note, status):
    raiser, officer = member(org_a, Role.ORGANISER), member(org_a, Role.SAFEGUARDING_OFFICER)
    existing = open_case(org_a, officer, raiser=raiser)
    concern = raise_concern(org_a, raiser, subject_given_name="Noor")

    response = client_on(org_a, officer).post(
        f"/welfare/triage/{concern.pk}/", {"outcome": outcome, "note": note, "case": existing.pk}
    )

    assert response.status_code == 302
    with tenant_context(org_a):
        concern.refresh_from_db()
        assert concern.status == status and concern.triage_outcome == outcome
        if outcome == TriageOutcome.MERGED:
            assert concern.case_id == existing.pk
        if outcome == TriageOutcome.CASE_OPENED:
            assert officer in Case.objects.get(pk=concern.case_id).team.all()


def test_advice_given_needs_the_advice_and_a_second_triage_is_refused(org_a, member, sent):
    raiser, officer = member(org_a, Role.ORGANISER), member(org_a, Role.SAFEGUARDING_OFFICER)
    concern = raise_concern(org_a, raiser)
    with tenant_context(org_a):
        with pytest.raises(Exception) as no_note:
            services.concern_triage(actor=officer, concern=concern, outcome=TriageOutcome.ADVICE_GIVEN)
        services.concern_triage(actor=officer, concern=concern, outcome=TriageOutcome.NO_FURTHER_ACTION)
        with pytest.raises(Exception) as again:
            services.concern_triage(actor=officer, concern=concern, outcome=TriageOutcome.CASE_OPENED)
        assert Case.objects.count() == 0

    assert "Say what advice was given" in str(no_note.value)
    assert "already been triaged" in str(again.value)


def test_someone_outside_the_safeguarding_team_cannot_triage_and_nothing_changes(org_a, member, client_on, sent):
    raiser = member(org_a, Role.ORGANISER)
    auditor = member(org_a, Role.AUDITOR)
    concern = raise_concern(org_a, raiser)
    events = AuditEvent.objects.count()

    page = client_on(org_a, raiser).post(f"/welfare/triage/{concern.pk}/", {"outcome": "case_opened"})
    api = client_on(org_a, auditor).post(
        f"/api/v1/welfare/concerns/{concern.pk}/triage/", {"outcome": "case_opened"}, content_type="application/json"
    )

    assert page.status_code == 403 and api.status_code == 403
    connection.set_schema_to_public()
    assert AuditEvent.objects.count() == events
    with tenant_context(org_a):
        assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.RECEIVED and Case.objects.count() == 0


def test_triage_through_the_api_opens_a_case(org_a, member, client_on, sent):
    raiser, officer = member(org_a, Role.ORGANISER), member(org_a, Role.SAFEGUARDING_OFFICER)
    concern = raise_concern(org_a, raiser)
    client = client_on(org_a, officer)

    queue = client.get("/api/v1/welfare/triage/").json()["results"]
    triaged = client.post(f"/api/v1/welfare/concerns/{concern.pk}/triage/", {"outcome": "case_opened"},
                          content_type="application/json")  # fmt: skip
    listed = client.get("/api/v1/welfare/cases/").json()["results"]

    assert [row["id"] for row in queue] == [concern.pk]
    assert triaged.status_code == 200 and triaged.json()["status"] == "being_looked_at"
    assert [row["id"] for row in listed] == [triaged.json()["case"]]
    assert "subject_given_name" not in listed[0]
