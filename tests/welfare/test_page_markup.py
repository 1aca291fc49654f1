"""Markup assistive technology relies on, on every welfare page, with and without errors showing
(the same checks as tests/hub/test_page_markup.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from core.dates import today
from tenants.models import Role
from tests.welfare.conftest import open_case, opened_client, raise_concern
from welfare import services

TOMORROW = (today() + timedelta(days=1)).isoformat()


@pytest.fixture
def pages(org_a, member, client_on):
    lead = member(org_a, Role.PREVENT_LEAD, Role.SAFEGUARDING_OFFICER)
    raiser = member(org_a, Role.ORGANISER)
    waiting = raise_concern(org_a, raiser)
    case = open_case(org_a, lead, raiser=raiser)
    with tenant_context(org_a):
        meeting = services.meeting_create(actor=lead, held_on=today())
        services.meeting_agenda_add(actor=lead, meeting=meeting, case=case)
    fresh = client_on(org_a, lead)
    opened = opened_client(client_on, org_a, lead, case)
    c, w, m = case.pk, waiting.pk, meeting.pk
    return [
        (fresh, "get", "/welfare/", None),
        (fresh, "get", "/welfare/concerns/new/", None),
        (fresh, "post", "/welfare/concerns/new/", {"observed_on": TOMORROW, "immediate_risk": "on"}),
        (fresh, "get", "/welfare/triage/", None),
        (fresh, "get", f"/welfare/triage/{w}/", None),
        (fresh, "post", f"/welfare/triage/{w}/", {"outcome": "advice_given"}),
        (fresh, "get", "/welfare/cases/", None),
        (fresh, "get", f"/welfare/cases/{c}/", None),
        (fresh, "post", f"/welfare/cases/{c}/", {"reason": ""}),
        (opened, "get", f"/welfare/cases/{c}/", None),
        (opened, "post", f"/welfare/cases/{c}/entries/", {"entry-occurred_on": TOMORROW}),
        (opened, "post", f"/welfare/cases/{c}/actions/", {"action-description": ""}),
        (opened, "get", f"/welfare/cases/{c}/escalation/", None),
        (opened, "post", f"/welfare/cases/{c}/escalation/", {"external_advice_sought_on": TOMORROW}),
        (fresh, "get", "/welfare/meetings/", None),
        (fresh, "post", "/welfare/meetings/", {"held_on": ""}),
        (fresh, "get", f"/welfare/meetings/{m}/", None),
        (fresh, "post", f"/welfare/meetings/{m}/actions/", {"agreed-description": ""}),
        (fresh, "get", "/welfare/settings/", None),
        (fresh, "post", "/welfare/settings/", {"retention_days": "3"}),
    ]


def test_every_welfare_page_has_unique_ids_labelled_fields_and_one_main_heading(pages):
    for client, method, path, data in pages:
        response = getattr(client, method)(path, data or {})
        name = f"{method} {path}"
        assert response.status_code in (200, 400), (name, response.status_code)
        html = response.content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert not sorted({i for i in ids if ids.count(i) > 1}), f"{name}: duplicate ids"
        for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for value in re.findall(rf'{attribute}="([^"]*)"', html):
                for target in value.split():
                    assert target in ids, f"{name}: {attribute} points at missing #{target}"
        for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
            assert target in ids, f"{name}: <label for> points at missing #{target!r}"
        for field in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html):
            if 'type="hidden"' not in html.split(f'id="{field}"')[0].rsplit("<", 1)[-1]:
                assert f'for="{field}"' in html, f"{name}: #{field} has no label"
        assert html.count("<h1") == 1, f"{name}: one main heading"
        if response.status_code == 400:
            assert 'class="error-summary"' in html or "field-error" in html, f"{name}: errors shown"
