"""Attack: the partners "received report" route opens only partner reports. Asked for the id of another kind
of record (an identified referral transfer, which names a person), it must not unseal it at all: not
even at the source, whose DPO or auditor (partners:oversee) is not on the case team."""

from __future__ import annotations

from core.models import AuditEvent
from tests.agreements.conftest import Drafting
from tests.welfare.subjects import FULL, share_referral


def test_a_partner_report_route_does_not_open_an_identified_referral_by_its_id(org_a, partner, member, client_on):
    Drafting(member).active([org_a, partner], template="franchise")
    auditor = member(partner, "auditor", full_name="Oksana Kovalenko")
    subject = {"given_name": "Temperance", "family_name": "Adebayo-Lindqvist"}
    row = share_referral(partner, org_a, ref="case:7/transfer:1", level=FULL, data={"subject": subject})
    openings = AuditEvent.objects.filter(action="exchange.record_open").count()

    page = client_on(partner, auditor).get(f"/partners/received/{row.pk}/")
    api = client_on(partner, auditor).get(f"/api/v1/partners/received/{row.pk}/")

    assert page.status_code == 404 and api.status_code == 404
    assert "Adebayo" not in page.content.decode() + api.content.decode()
    assert AuditEvent.objects.filter(action="exchange.record_open").count() == openings  # nothing unsealed
