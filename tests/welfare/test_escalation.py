"""Escalate and refer: stages in order with dates, the outcome, the category, and the referral form export."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import tenant_context

from core.dates import today
from core.models import AuditEvent
from tenants.models import Role
from tests.welfare.conftest import backdate, open_case, opened_client
from welfare import services
from welfare.models import Case
from welfare.services import EscalationInput

D = today()


@pytest.fixture
def case(org_a, member):
    officer = member(org_a, Role.SAFEGUARDING_OFFICER)
    return backdate(org_a, open_case(org_a, officer, raiser=member(org_a, Role.ORGANISER)), D - timedelta(days=30))


@pytest.fixture
def lead(org_a, member):
    return member(org_a, Role.PREVENT_LEAD)


def _days(n):
    return D - timedelta(days=n)


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"prevent_lead_involved_on": D + timedelta(days=1)}, "prevent_lead_involved_on", "cannot be in the future"),
        ({"prevent_lead_involved_on": _days(31)}, "prevent_lead_involved_on", "before the case opened"),
        ({"external_advice_sought_on": _days(20)}, "external_advice_sought_on", "Record 'Prevent lead involved' first"),
        ({"prevent_lead_involved_on": _days(20), "external_advice_sought_on": _days(10),
          "formal_referral_made_on": _days(15)}, "formal_referral_made_on",
         "cannot be before 'External advice sought'"),
        ({"prevent_lead_involved_on": _days(20), "formal_referral_made_on": _days(10)},
         "formal_referral_made_on", "Record 'External advice sought' first"),
        ({"outcome": "police_referral"}, "formal_referral_made_on", "formal external referral"),
        ({"prevent_lead_involved_on": _days(20), "external_advice_sought_on": _days(15),
          "formal_referral_made_on": _days(10), "outcome": "prevent_referral"}, "prevent_referral_reference",
         "Enter the reference"),
        ({"outcome": "internal_support", "prevent_referral_reference": "PRV-1"}, "prevent_referral_on",
         "Only a referral to Prevent"),
        ({"outcome": "sectioned"}, "outcome", "one of the five outcomes"),
    ],
)  # fmt: skip
def test_stages_out_of_order_or_out_of_time_are_refused_and_nothing_changes(org_a, case, lead, fields, field, message):
    with tenant_context(org_a):
        with pytest.raises(ValidationError) as refused:
            services.case_escalation_record(actor=lead, case=case, data=EscalationInput(**fields))
        stored = Case.objects.get(pk=case.pk)

    assert message in " ".join(refused.value.message_dict[field])
    assert (stored.prevent_lead_involved_on, stored.external_advice_sought_on, stored.outcome) == (None, None, "")


def test_the_lead_records_every_stage_the_outcome_and_the_category_through_the_page(org_a, case, lead, client_on):
    client = opened_client(client_on, org_a, lead, case)
    form = {
        "prevent_lead_involved_on": _days(25).isoformat(), "external_advice_sought_on": _days(20).isoformat(),
        "formal_referral_made_on": _days(10).isoformat(), "outcome": "prevent_referral",
        "prevent_referral_on": _days(10).isoformat(), "prevent_referral_reference": "PRV-2026-0412",
        "ideology_category": "mixed_unclear_unstable",
    }  # fmt: skip

    response = client.post(f"/welfare/cases/{case.pk}/escalation/", form)
    page = client.get(f"/welfare/cases/{case.pk}/").content.decode()

    assert response.status_code == 302
    assert "Referral to Prevent" in page and "PRV-2026-0412" in page and "Mixed, unclear and unstable" in page
    with tenant_context(org_a):
        stored = Case.objects.get(pk=case.pk)
    assert stored.formal_referral_made_on == _days(10) and stored.outcome_recorded_on == D


def test_a_stage_error_is_shown_beside_its_field_on_the_page(org_a, case, lead, client_on):
    client = opened_client(client_on, org_a, lead, case)

    response = client.post(f"/welfare/cases/{case.pk}/escalation/", {"external_advice_sought_on": _days(5).isoformat()})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_external_advice_sought_on_error"' in html and "stages are recorded in order" in html


def test_a_safeguarding_officer_on_the_team_cannot_escalate(org_a, case, client_on):
    with tenant_context(org_a):
        officer = case.team.get()
    client = opened_client(client_on, org_a, officer, case)

    page = client.post(f"/welfare/cases/{case.pk}/escalation/", {"prevent_lead_involved_on": _days(1).isoformat()})
    export = client.get(f"/welfare/cases/{case.pk}/referral-form.json")

    assert page.status_code == 403 and export.status_code == 403
    with tenant_context(org_a):
        assert Case.objects.get(pk=case.pk).prevent_lead_involved_on is None


def test_stages_and_outcome_through_the_api_keep_what_is_not_sent(org_a, case, lead, client_on):
    client = opened_client(client_on, org_a, lead, case)  # a reason first, as for any change to a case
    url = f"/api/v1/welfare/cases/{case.pk}/escalation/"

    first = client.post(url, {"prevent_lead_involved_on": _days(9).isoformat()}, content_type="application/json")
    bad = client.post(url, {"formal_referral_made_on": _days(8).isoformat()}, content_type="application/json")
    second = client.post(url, {"external_advice_sought_on": _days(8).isoformat(), "ideology_category": "islamist"},
                         content_type="application/json")  # fmt: skip

    assert first.status_code == 200 and first.json()["prevent_lead_involved_on"] == _days(9).isoformat()
    assert bad.status_code == 400 and "formal_referral_made_on" in bad.json()["errors"]
    assert second.json()["prevent_lead_involved_on"] == _days(9).isoformat()
    assert second.json()["ideology_category"] == "islamist"


def test_the_referral_form_export_is_prefilled_audited_and_its_file_name_identifies_no_one(
    org_a, case, lead, client_on
):
    with tenant_context(org_a):
        services.case_escalation_record(
            actor=lead, case=case,
            data=EscalationInput(prevent_lead_involved_on=_days(20), ideology_category="extreme_right_wing"),
        )  # fmt: skip
    client = opened_client(client_on, org_a, lead, case)

    response = client.get(f"/welfare/cases/{case.pk}/referral-form.json")

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="prevent-referral-form-case-{case.pk}.json"'
    form = json.loads(response.content)
    assert form["individual"]["given_names"] == "Temperance"
    assert form["individual"]["family_name"] == "Adebayo-Lindqvist"
    assert form["individual"]["education_setting"] == org_a.name
    assert form["referrer"]["name"] == lead.full_name and form["referrer"]["email"] == lead.email
    assert "coming war" in form["concerns"]["what_was_seen_or_heard"][0]["description"]
    assert form["concerns"]["ideology_or_nature_of_concern"] == "Extreme right-wing"
    assert form["steps_taken_so_far"] == [{"stage": "Prevent lead involved", "date": _days(20).isoformat()}]
    assert "individual.address" in form["to_complete"] and "has not sent it" in form["note"]
    connection.set_schema_to_public()
    event = AuditEvent.objects.get(action="welfare.referral_form_exported")
    assert event.detail == {"case": case.pk} and event.actor_id == lead.pk
