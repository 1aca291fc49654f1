"""Real objects behind the partners' URL kwargs, for the role × page matrix (tests/hub/test_rights_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from django_tenants.utils import tenant_context

from core.dates import today
from partners import services
from partners.periods import terms_ended_by
from tenants.models import Organisation, User
from tests.agreements.conftest import Drafting


def partner_objects(home: Organisation, member: Callable[..., User]) -> dict[str, int]:
    """`record_id`: a report the partner `home` validates sent to `home`; `report_id`: a draft in `home`."""
    college = Organisation.objects.get(links_in__source=home, links_in__kind="validates")
    drafting = Drafting(member)
    drafting.active([home, college], template="franchise")
    period = terms_ended_by(today(), 1)[0]
    lead = drafting.lead(college)
    with tenant_context(college):
        draft = services.report_assemble(actor=lead, organisation=college, period=period)
        sent = services.report_sign_off(actor=lead, organisation=college, report=draft)
    with tenant_context(home):
        ours = services.report_assemble(actor=drafting.lead(home), organisation=home, period=period)
    return {"record_id": sent.shared_as[0]["record_id"], "report_id": ours.pk}
