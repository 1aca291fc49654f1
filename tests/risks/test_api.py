"""The risk register API: errors name the field; rights as the pages; another organisation's objects are 404."""

from __future__ import annotations

import json
from datetime import timedelta

from django_tenants.utils import tenant_context

from risks.models import Risk, RiskAction, RiskChange
from tests.agreements.conftest import Drafting
from tests.risks.conftest import TODAY


def _json(client, method, path, body=None):
    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


def _risk_body(owner_id, **overrides):
    body = {
        "title": "A welfare concern is not passed on",
        "category": "welfare",
        "likelihood": 3,
        "impact": 4,
        "owner": owner_id,
        "review_on": (TODAY + timedelta(days=20)).isoformat(),
        "existing_controls": "Students giving cause for concern framework.",
    }
    body.update(overrides)
    return body


def test_a_risk_is_added_changed_with_a_reason_and_read_with_its_history(org_a, lead, client_on):
    client = client_on(org_a, lead)
    status, risk = _json(client, "post", "/api/v1/risks/risks/", _risk_body(lead.pk))
    assert status == 201 and (risk["score"], risk["rating"], risk["owner_name"]) == (12, "high", lead.full_name)

    status, body = _json(client, "post", f"/api/v1/risks/risks/{risk['id']}/", {"likelihood": 5})
    assert status == 400 and list(body["errors"]) == ["reason"]

    status, changed = _json(client, "post", f"/api/v1/risks/risks/{risk['id']}/",
                            {"likelihood": 5, "reason": "Three concerns this term reached no one."})  # fmt: skip
    assert status == 200 and changed["rating"] == "very_high"
    latest = changed["history"][0]
    assert latest["fields"] == [{"field": "likelihood", "label": "Likelihood", "before": "3", "after": "5"}]
    assert latest["reason"] == "Three concerns this term reached no one." and latest["changed_by"] == lead.full_name

    status, page = _json(client, "get", "/api/v1/risks/risks/")
    assert status == 200 and page["count"] == 1


def test_bad_input_is_a_400_naming_each_field_and_saves_nothing(org_a, org_b, lead, member, client_on):
    stranger = member(org_b, "prevent_lead")
    client = client_on(org_a, lead)
    cases = [
        ({"owner": None}, "owner"),
        ({"owner": stranger.pk}, "owner"),
        ({"likelihood": 6}, "likelihood"),
        ({"impact": "high"}, "impact"),
        ({"title": 42}, "title"),
        ({"title": "\u200b"}, "title"),
        ({"category": "banned_list"}, "category"),
        ({"review_on": "31/02/2026"}, "review_on"),
        ({"review_on": (TODAY - timedelta(days=1)).isoformat()}, "review_on"),
    ]
    for overrides, field in cases:
        status, body = _json(client, "post", "/api/v1/risks/risks/", _risk_body(lead.pk, **overrides))
        assert status == 400 and field in body["errors"], (overrides, body)
    with tenant_context(org_a):
        assert not Risk.objects.exists() and not RiskChange.objects.exists()


def test_an_action_without_an_owner_or_due_in_the_past_is_refused_naming_the_field(org_a, lead, client_on, add_risk):
    risk = add_risk()
    client = client_on(org_a, lead)
    status, body = _json(
        client, "post", "/api/v1/risks/actions/", {"title": "Brief staff", "due_on": TODAY.isoformat()}
    )
    assert status == 400 and list(body["errors"]) == ["owner"]
    past = (TODAY - timedelta(days=2)).isoformat()
    status, body = _json(client, "post", "/api/v1/risks/actions/", {"title": "Brief", "owner": lead.pk, "due_on": past})
    assert status == 400 and "cannot be due in the past" in body["errors"]["due_on"][0]
    status, body = _json(client, "post", "/api/v1/risks/actions/",
                         {"title": "Brief", "owner": lead.pk, "due_on": past, "risk": 999999})  # fmt: skip
    assert status == 400 and "risk" in body["errors"]
    with tenant_context(org_a):
        assert not RiskAction.objects.exists()

    status, action = _json(client, "post", "/api/v1/risks/actions/",
                           {"title": "Brief", "owner": lead.pk, "due_on": past, "risk": risk.pk,
                            "recording_past": True})  # fmt: skip
    assert status == 201 and action["overdue"] is True and action["risk"] == risk.pk
    status, done = _json(client, "post", f"/api/v1/risks/actions/{action['id']}/", {"status": "done"})
    assert status == 200 and done["overdue"] is False and done["completed_on"] == TODAY.isoformat()


def test_reading_is_not_writing_and_another_organisations_risk_is_not_found(org_a, org_b, member, client_on, add_risk):
    auditor = member(org_a, "auditor")
    client = client_on(org_a, auditor)
    theirs = add_risk(organisation=org_b, actor=member(org_b, "prevent_lead"))  # our register is empty
    assert _json(client, "get", f"/api/v1/risks/risks/{theirs.pk}/")[0] == 404
    status, _ = _json(client, "post", "/api/v1/risks/risks/", _risk_body(auditor.pk))
    assert status == 403
    ours = add_risk()
    assert _json(client, "get", f"/api/v1/risks/risks/{ours.pk}/")[0] == 200
    assert _json(client, "post", f"/api/v1/risks/risks/{ours.pk}/", {"impact": 1, "reason": "x"})[0] == 403
    with tenant_context(org_a):
        assert Risk.objects.get(pk=ours.pk).impact == 4


def test_the_overview_is_the_pages_figures_and_sharing_names_the_network(
    org_a, network, lead, client_on, add_risk, member
):
    add_risk(likelihood=5, impact=5)
    client = client_on(org_a, lead)
    status, overview = _json(client, "get", "/api/v1/risks/overview/")
    assert status == 200 and overview["current"] == 1 and overview["heat_map"][0][4] == 1
    assert overview["by_rating"]["very_high"] == 1

    status, body = _json(client, "post", "/api/v1/risks/share/", {"network": network.pk})
    assert status == 400 and "No information-sharing agreement" in body["errors"]["network"][0]
    Drafting(member).active([network, org_a], template="network_risk_summary")
    status, body = _json(client, "post", "/api/v1/risks/share/", {"network": network.pk})
    assert status == 201 and body["summary"]["current"] == 1 and body["version"] == 1
    status, body = _json(client, "post", "/api/v1/risks/share/", {"network": org_a.pk})
    assert status == 400 and "network" in body["errors"]
