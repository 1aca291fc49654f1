"""Pages: what a person sees on the register, a risk, the action plan, the share page and the dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from risks.models import Risk, RiskAction
from tests.risks.conftest import TODAY


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _text(response) -> str:
    """What a person reads: the page without its tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def test_the_prevent_lead_adds_a_risk_and_sees_it_rated_on_the_register_and_heat_map(org_a, lead, client_on):
    client = client_on(org_a, lead)
    empty = _text(client.get("/risks/"))
    assert "No risks recorded yet." in empty and "Add the first risk" in empty

    response = client.post(
        "/risks/new/",
        {
            "title": "Guest lecturers are invited without a speaker request",
            "category": "speakers_events",
            "likelihood": "4",
            "impact": "3",
            "owner": lead.pk,
            "review_on": (TODAY + timedelta(days=40)).isoformat(),
            "status": "open",
            "existing_controls": "Bookings need an approved request.",
        },
        follow=True,
    )
    page = _text(response)
    assert "Risk added: Guest lecturers are invited without a speaker request (rated high)." in page
    assert "likelihood 4 × impact 3 = score 12" in page
    assert "Added to the register" in page

    register = _text(client.get("/risks/"))
    assert "1 current risk (open or accepted): 0 low, 0 medium, 1 high, 0 very high" in register
    assert 'aria-label="1 risk at likelihood 4, impact 3 (high)"' in _html(client.get("/risks/"))
    assert "4 × 3 = 12" in register


def test_a_form_error_names_the_field_and_the_fix(org_a, lead, client_on):
    response = client_on(org_a, lead).post("/risks/new/", {"title": "", "category": "it", "likelihood": "2",
                                                           "impact": "2", "review_on": TODAY.isoformat()})  # fmt: skip
    page = _text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Owner: This field is required." in page
    with tenant_context(org_a):
        assert not Risk.objects.exists()


def test_a_review_shows_in_the_history_with_who_what_and_why(org_a, lead, client_on, add_risk):
    risk = add_risk(likelihood=2, impact=4)
    client = client_on(org_a, lead)
    form = {
        "title": risk.title, "category": risk.category, "likelihood": "3", "impact": "4", "owner": lead.pk,
        "review_on": risk.review_on.isoformat(), "status": "open", "description": risk.description,
        "existing_controls": risk.existing_controls, "planned_controls": risk.planned_controls,
    }  # fmt: skip
    refused = _text(client.post(f"/risks/{risk.pk}/edit/", form))
    assert "Say why the risk changed" in refused

    page = _text(client.post(f"/risks/{risk.pk}/edit/", {**form, "reason": "Audit found two unassessed events."},
                             follow=True))  # fmt: skip
    assert "Risk updated (likelihood)" in page
    assert "Likelihood: “2” → “3”" in page
    assert "Audit found two unassessed events." in page
    assert lead.full_name in page


def test_the_action_plan_shows_overdue_actions_and_an_action_needs_an_owner(org_a, lead, client_on, add_action):
    add_action(title="Brief heads of department", due_on=TODAY - timedelta(days=4), past=True)
    client = client_on(org_a, lead)
    page = _text(client.get("/risks/actions/"))
    assert "1 open action, 1 overdue" in page
    assert "Brief heads of department" in page and "Overdue" in page

    refused = client.post("/risks/actions/new/", {"title": "Consult the students' union",
                                                  "due_on": (TODAY - timedelta(days=1)).isoformat(),
                                                  "status": "not_started"})  # fmt: skip
    text = _text(refused)
    assert refused.status_code == 400 and "Owner: This field is required." in text
    refused = client.post("/risks/actions/new/", {"title": "Consult the students' union", "owner": lead.pk,
                                                  "due_on": (TODAY - timedelta(days=1)).isoformat(),
                                                  "status": "not_started"})  # fmt: skip
    assert "Due: A new action cannot be due in the past" in _text(refused)
    with tenant_context(org_a):
        assert RiskAction.objects.count() == 1


def test_a_role_without_the_register_sees_no_page_and_no_panel(org_a, member, client_on, add_risk):
    add_risk()
    organiser = member(org_a, "organiser")
    client = client_on(org_a, organiser)
    assert client.get("/risks/").status_code == 403
    assert "Prevent risk register" not in _text(client.get("/"))


def test_the_dashboard_panel_shows_ratings_reviews_due_and_overdue_actions(org_a, lead, member, client_on, add_risk,
                                                                          add_action):  # fmt: skip
    risk = add_risk(likelihood=5, impact=4)
    add_action(due_on=TODAY - timedelta(days=2), past=True, risk=risk)
    auditor = member(org_a, "auditor")
    page = _text(client_on(org_a, auditor).get("/"))
    assert "Prevent risk register" in page
    assert "1 current risk: 0 low, 0 medium, 0 high, 1 very high" in page
    assert "1 overdue action of 1 open" in page
    assert "Open actions: on time and overdue" in page


def test_the_share_page_previews_exactly_the_counts_and_names_no_risk(org_a, lead, client_on, add_risk):
    add_risk(title="Risk named after Mr Oyelaran", likelihood=1, impact=1)
    page = _text(client_on(org_a, lead).get("/risks/share/"))
    assert "1 current risk; 0 reviews due; 0 open actions, 0 overdue." in page
    assert "Northern HE Network" in page
    assert "Oyelaran" not in page


@pytest.mark.parametrize(
    "path",
    ["/risks/", "/risks/new/", "/risks/actions/", "/risks/actions/new/", "/risks/share/", "/risks/received/",
     "/risks/?status=all&rating=high"],
)  # fmt: skip
def test_every_id_is_unique_and_every_label_points_at_a_field(org_a, lead, client_on, add_risk, path):
    add_risk()
    html = client_on(org_a, lead).get(path).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), path
    for value in re.findall(r'aria-(?:describedby|labelledby)="([^"]*)"', html):
        assert all(target in ids for target in value.split()), (path, value)
    for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
        assert target in ids, (path, target)
