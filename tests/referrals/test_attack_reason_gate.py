"""Attack: the API asks for an identified transfer or sends a summary only of a case opened with a reason
in this session, as the pages do (welfare's need-to-know gate holds on every route)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from referrals.models import SummaryShare, TransferRequest
from sharing.models import SharedCheck

NEED = "Her tutor at the university must plan support before the placement starts next week."


def test_the_api_refuses_to_share_or_ask_for_a_transfer_of_a_case_not_opened_with_a_reason(
    franchise, partner, university, people, make_case, client_on
):
    case = make_case()
    api = client_on(partner, people.lead)

    shared = api.post(f"/api/v1/referrals/cases/{case.pk}/summary/", {"recipient": university.pk},
                      content_type="application/json")  # fmt: skip
    body = {"recipient": university.pk, "justification": NEED}
    asked = api.post(f"/api/v1/referrals/cases/{case.pk}/transfers/", body, content_type="application/json")

    assert shared.status_code == 400 and "reason" in shared.json()["errors"]
    assert asked.status_code == 400 and "reason" in asked.json()["errors"]
    with tenant_context(partner):
        assert not SummaryShare.objects.exists() and not TransferRequest.objects.exists()
    assert not SharedCheck.objects.filter(source=partner).exists()

    opened = api.post(f"/api/v1/welfare/cases/{case.pk}/", {"reason": "Sharing with the university"},
                      content_type="application/json")  # fmt: skip
    shared = api.post(f"/api/v1/referrals/cases/{case.pk}/summary/", {"recipient": university.pk},
                      content_type="application/json")  # fmt: skip
    assert opened.status_code == 200 and shared.status_code == 201
