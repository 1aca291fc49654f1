"""Need-to-know: the case team, the Prevent lead and named deputies; a reason the first time in a session."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from tenants import services as tenant_services
from tenants.models import Membership, Role
from tests.welfare.conftest import open_case, opened_client
from welfare import services
from welfare.models import CaseOpening, WelfareSettings


@pytest.fixture
def team(org_a, member):
    officer = member(org_a, Role.SAFEGUARDING_OFFICER)
    raiser = member(org_a, Role.ORGANISER)
    case = open_case(org_a, officer, raiser=raiser)
    return officer, raiser, case


def _openings(org, case) -> int:
    with tenant_context(org):
        return CaseOpening.objects.filter(case=case).count()


def test_a_safeguarding_officer_off_the_team_gets_404_and_the_denial_is_audited(org_a, member, client_on, team):
    _, _, case = team
    outsider = member(org_a, Role.SAFEGUARDING_OFFICER)
    client = client_on(org_a, outsider)
    events_before = AuditEvent.objects.count()

    page = client.get(f"/welfare/cases/{case.pk}/")
    reason = client.post(f"/welfare/cases/{case.pk}/", {"reason": "Curious about this one"})
    api = client.post(f"/api/v1/welfare/cases/{case.pk}/", {"reason": "Curious"}, content_type="application/json")
    missing = client.get("/welfare/cases/999999/")
    connection.set_schema_to_public()

    assert [page.status_code, reason.status_code, api.status_code, missing.status_code] == [404, 404, 404, 404]
    assert "Temperance" not in page.content.decode() and "Temperance" not in api.content.decode()
    assert api.json() == {"detail": "Not found.", "errors": {}}
    events = list(AuditEvent.objects.order_by("id")[events_before:])
    assert [e.action for e in events] == ["welfare.case_access_denied"] * 4
    assert [e.detail["reason"] for e in events] == ["not_on_team"] * 3 + ["missing"]
    assert all(e.actor_id == outsider.pk and "Temperance" not in str(e.detail) for e in events)
    assert _openings(org_a, case) == 0  # nothing else happened


def test_the_team_the_prevent_lead_and_a_named_deputy_see_the_case(org_a, member, client_on, team):
    officer, _, case = team
    lead, deputy = member(org_a, Role.PREVENT_LEAD), member(org_a, Role.REVIEWER)
    with tenant_context(org_a):
        services.welfare_settings_update(actor=lead, deputies=[deputy], retention_days=2190)

    statuses = [client_on(org_a, p).get(f"/welfare/cases/{case.pk}/").status_code for p in (officer, lead, deputy)]

    assert statuses == [200, 200, 200]


def test_the_reason_is_asked_the_first_time_in_a_session_and_shown_on_the_case(org_a, member, client_on, team):
    officer, _, case = team
    client = client_on(org_a, officer)

    # given: the first visit asks for a reason and shows nothing of the case
    first = client.get(f"/welfare/cases/{case.pk}/").content.decode()
    assert "Why are you opening this case?" in first and "Temperance" not in first
    # when: no reason is refused, with the field named
    empty = client.post(f"/welfare/cases/{case.pk}/", {"reason": ""})
    assert empty.status_code == 400 and "Say why you are opening this case" in empty.content.decode()
    assert _openings(org_a, case) == 0
    # when: a reason is given, the case shows, with who opened it, when and why
    client.post(f"/welfare/cases/{case.pk}/", {"reason": "Preparing for Thursday's meeting"})
    shown = client.get(f"/welfare/cases/{case.pk}/").content.decode()
    assert "Temperance Adebayo-Lindqvist" in shown
    assert "Preparing for Thursday&#x27;s meeting" in shown and officer.full_name in shown
    # then: later visits in the session do not ask again; a new session does
    assert "Why are you opening" not in client.get(f"/welfare/cases/{case.pk}/").content.decode()
    assert _openings(org_a, case) == 1
    again = client_on(org_a, officer).get(f"/welfare/cases/{case.pk}/").content.decode()
    assert "Why are you opening this case?" in again
    connection.set_schema_to_public()
    opened = AuditEvent.objects.filter(action="welfare.case_opened", target_id=str(case.pk))
    assert opened.count() == 1 and "Thursday" not in str(opened.get().detail)


def test_the_api_needs_a_reason_on_first_open(org_a, member, client_on, team):
    officer, _, case = team
    client = client_on(org_a, officer)

    before = client.get(f"/api/v1/welfare/cases/{case.pk}/")
    no_reason = client.post(f"/api/v1/welfare/cases/{case.pk}/", {}, content_type="application/json")
    opened = client.post(
        f"/api/v1/welfare/cases/{case.pk}/", {"reason": "Checking actions"}, content_type="application/json"
    )
    after = client.get(f"/api/v1/welfare/cases/{case.pk}/")

    assert before.status_code == 400 and "reason" in before.json()["errors"]
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert opened.status_code == 200 and opened.json()["subject_given_name"] == "Temperance"
    assert opened.json()["openings"][0]["reason"] == "Checking actions" and opened.json()["openings"][0]["via_api"]
    assert after.status_code == 200


def test_taken_off_the_team_or_losing_the_role_ends_access_at_once(org_a, member, client_on, team):
    officer, _, case = team
    colleague = member(org_a, Role.SAFEGUARDING_OFFICER)
    with tenant_context(org_a):
        services.case_team_add(actor=officer, case=case, person=colleague)
    colleague_client = opened_client(client_on, org_a, colleague, case)
    officer_client = opened_client(client_on, org_a, officer, case)

    # when: the colleague is taken off the team; the officer loses the role
    with tenant_context(org_a):
        services.case_team_remove(actor=officer, case=case, person=colleague)
    connection.set_schema_to_public()
    tenant_services.membership_set_roles(
        actor=member(org_a, Role.ORG_ADMIN),
        membership=Membership.objects.get(user=officer, organisation=org_a),
        roles=[Role.ORGANISER],
    )

    # then
    assert colleague_client.get(f"/welfare/cases/{case.pk}/").status_code == 404
    assert officer_client.get(f"/welfare/cases/{case.pk}/").status_code == 403


def test_a_deputy_removed_from_the_settings_loses_every_case_at_once(org_a, member, client_on, team):
    _, _, case = team
    lead, deputy = member(org_a, Role.PREVENT_LEAD), member(org_a, Role.SAFEGUARDING_OFFICER)
    with tenant_context(org_a):
        services.welfare_settings_update(actor=lead, deputies=[deputy], retention_days=2190)
    client = opened_client(client_on, org_a, deputy, case)
    assert client.get(f"/welfare/cases/{case.pk}/").status_code == 200

    with tenant_context(org_a):
        services.welfare_settings_update(actor=lead, deputies=[], retention_days=2190)
        assert not WelfareSettings.objects.get().deputies.exists()

    assert client.get(f"/welfare/cases/{case.pk}/").status_code == 404


def test_a_deputy_cannot_name_further_deputies(org_a, member, client_on):
    lead, deputy, other = member(org_a, Role.PREVENT_LEAD), member(org_a, Role.REVIEWER), member(org_a, Role.REVIEWER)
    with tenant_context(org_a):
        services.welfare_settings_update(actor=lead, deputies=[deputy], retention_days=2190)

    response = client_on(org_a, deputy).post(
        "/welfare/settings/", {"deputies": [deputy.pk, other.pk], "retention_days": 2190}
    )

    assert response.status_code == 403
    with tenant_context(org_a):
        assert list(WelfareSettings.objects.get().deputies.all()) == [deputy]
