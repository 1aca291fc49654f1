"""Every welfare page renders for the people it is for (a quick guard; journeys test what they see)."""

from datetime import timedelta

from django_tenants.utils import tenant_context

from core.dates import today
from tenants.models import Role
from tests.welfare.conftest import open_case, opened_client, raise_concern
from welfare import services


def test_every_welfare_page_renders_for_the_prevent_lead(org_a, member, client_on):
    lead = member(org_a, Role.PREVENT_LEAD)
    raiser = member(org_a, Role.ORGANISER)
    waiting = raise_concern(org_a, raiser)
    case = open_case(org_a, lead, raiser=raiser)
    with tenant_context(org_a):
        meeting = services.meeting_create(actor=lead, held_on=today() + timedelta(days=2))
    client = opened_client(client_on, org_a, lead, case)
    for path in [
        "/welfare/", "/welfare/concerns/new/", "/welfare/triage/", f"/welfare/triage/{waiting.pk}/", "/welfare/cases/",
        f"/welfare/cases/{case.pk}/", f"/welfare/cases/{case.pk}/escalation/", "/welfare/meetings/",
        f"/welfare/meetings/{meeting.pk}/", "/welfare/settings/", f"/welfare/cases/{case.pk}/referral-form.json",
        "/api/v1/welfare/concerns/", "/api/v1/welfare/triage/", "/api/v1/welfare/cases/",
        f"/api/v1/welfare/cases/{case.pk}/", f"/api/v1/welfare/cases/{case.pk}/escalation/",
    ]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:500])
