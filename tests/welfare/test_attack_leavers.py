"""Attack: a named deputy or case team member who leaves the organisation must not get their access back
by being invited again later, in another role (the naming ended with the membership)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from tenants import services as tenant_services
from tenants.models import Membership, Role
from tests.welfare.conftest import open_case
from welfare import services
from welfare.selectors import deputies


def _leave_and_return(org, person, admin, *roles):
    tenant_services.membership_remove(actor=admin, membership=Membership.objects.get(user=person, organisation=org))
    tenant_services.membership_grant(actor=None, organisation=org, user=person, roles=list(roles))


def test_a_deputy_who_left_and_came_back_as_an_organiser_sees_no_case(org_a, member, client_on):
    admin, lead = member(org_a, Role.ORG_ADMIN), member(org_a, Role.PREVENT_LEAD)
    deputy = member(org_a, Role.ORGANISER)
    case = open_case(org_a, lead, raiser=member(org_a, Role.ORGANISER))
    with tenant_context(org_a):
        services.welfare_settings_update(actor=lead, deputies=[deputy], retention_days=2190)
    assert client_on(org_a, deputy).get(f"/welfare/cases/{case.pk}/").status_code == 200

    _leave_and_return(org_a, deputy, admin, Role.ORGANISER)

    assert client_on(org_a, deputy).get(f"/welfare/cases/{case.pk}/").status_code == 403  # no case pages at all
    with tenant_context(org_a):
        assert deputy not in deputies()


def test_a_team_member_who_left_and_came_back_is_not_on_their_old_case_team(org_a, member, client_on):
    admin, officer = member(org_a, Role.ORG_ADMIN), member(org_a, Role.SAFEGUARDING_OFFICER)
    case = open_case(org_a, officer, raiser=member(org_a, Role.ORGANISER))

    _leave_and_return(org_a, officer, admin, Role.SAFEGUARDING_OFFICER)

    assert client_on(org_a, officer).get(f"/welfare/cases/{case.pk}/").status_code == 404
    with tenant_context(org_a):
        assert not case.team.filter(pk=officer.pk).exists()
