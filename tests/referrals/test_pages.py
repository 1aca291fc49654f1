"""What people see: a partner's Prevent lead shares a case, a second person approves an identified
transfer, and the validating university reads the summaries, the termly counts and the transfer."""

from __future__ import annotations

from datetime import date

from django_tenants.utils import tenant_context

from referrals import services
from referrals.models import TransferRequest, TransferStatus
from referrals.periods import Term
from tests.html_text import visible_text
from tests.referrals.conftest import stored

NEED = "The student moves to the university's main campus next week; its case team must plan support."


def _opened(client_on, partner, user, case):
    client = client_on(partner, user)
    response = client.post(f"/welfare/cases/{case.pk}/", {"reason": "Deciding what the university needs to know"})
    assert response.status_code == 302
    return client


def test_the_case_page_asks_for_a_reason_first_and_then_shares_a_summary(
    franchise, partner, university, people, make_case, client_on
):
    case = make_case(prevent_lead_involved_on=date(2026, 10, 3))
    cold = client_on(partner, people.lead)
    assert cold.get(f"/referrals/cases/{case.pk}/").url == f"/welfare/cases/{case.pk}/"

    client = _opened(client_on, partner, people.lead, case)
    page = visible_text(client.get(f"/referrals/cases/{case.pk}/"))
    assert university.name in page and "Summary, or an identified transfer with a second approver" in page

    sent = client.post(f"/referrals/cases/{case.pk}/summary/", {"recipient": university.pk}, follow=True)

    assert "The summary was sent. It names no one" in visible_text(sent)
    received = visible_text(client_on(university, people.uni_lead).get("/referrals/received/"))
    assert partner.name in received and "Prevent lead involved (October 2026)" in received
    assert "Temperance" not in received and "Adebayo" not in received


def test_a_transfer_without_a_justification_shows_the_field_error_and_nothing_is_asked(
    franchise, partner, university, people, make_case, client_on
):
    case = make_case()
    client = _opened(client_on, partner, people.lead, case)

    response = client.post(f"/referrals/cases/{case.pk}/transfer/", {"recipient": university.pk, "justification": ""})

    assert response.status_code == 400
    assert "Say why identifying this person to the university is necessary" in visible_text(response)
    with tenant_context(partner):
        assert TransferRequest.objects.count() == 0


def test_the_requester_is_told_why_they_cannot_approve_and_a_second_person_approves(
    franchise, partner, university, people, make_case, client_on
):
    case = make_case()
    client = _opened(client_on, partner, people.lead, case)
    client.post(f"/referrals/cases/{case.pk}/transfer/", {"recipient": university.pk, "justification": NEED})
    with tenant_context(partner):
        transfer = TransferRequest.objects.get()
    people.lead.refresh_from_db()

    own = visible_text(client.get("/referrals/approvals/"))
    assert "You asked for this transfer, so a second person must approve it." in own
    assert "Approve and send" not in own
    before = stored()
    client.post(f"/referrals/approvals/{transfer.pk}/approve/")  # by hand, round the missing button
    assert stored() == before

    dpo = client_on(partner, people.dpo)
    assert "Approve and send" in visible_text(dpo.get("/referrals/approvals/"))
    done = dpo.post(f"/referrals/approvals/{transfer.pk}/approve/", follow=True)

    assert f"Approved: case {case.pk} was sent" in visible_text(done)
    with tenant_context(partner):
        assert TransferRequest.objects.get().status == TransferStatus.SENT
    at_university = visible_text(client_on(university, people.uni_lead).get("/referrals/received/"))
    assert "Temperance Adebayo-Lindqvist" in at_university and NEED in at_university
    dpo_view = visible_text(client_on(university, people.uni_dpo).get("/referrals/received/"))
    assert "An identified transfer arrived" in dpo_view and "Temperance" not in dpo_view


def test_the_university_sees_small_counts_as_fewer_than_five(franchise, partner, university, people, make_case,
                                                            client_on):  # fmt: skip
    for day in (2, 3, 4, 5, 6, 7):
        make_case(opened_on=date(2025, 9, day), outcome="no_further_action", outcome_recorded_on=date(2025, 9, 30))
    make_case(opened_on=date(2025, 9, 8), prevent_lead_involved_on=date(2025, 9, 9))
    with tenant_context(partner):
        services.aggregate_send(source=partner, term=Term(2025, 0))

    page = visible_text(client_on(university, people.uni_dpo).get("/referrals/received/"))

    assert "Autumn term 2025/26" in page and "fewer than 5" in page and "withheld" in page


def test_the_api_shares_refuses_the_requester_and_lists_what_was_received(
    franchise, partner, university, people, make_case, client_on
):
    case = make_case()
    api = client_on(partner, people.lead)
    api.post(f"/api/v1/welfare/cases/{case.pk}/", {"reason": "Sharing it"}, content_type="application/json")
    shared = api.post(f"/api/v1/referrals/cases/{case.pk}/summary/", {"recipient": university.pk},
                      content_type="application/json")  # fmt: skip
    asked = api.post(f"/api/v1/referrals/cases/{case.pk}/transfers/", {"recipient": university.pk, "justification": ""},
                     content_type="application/json")  # fmt: skip
    assert shared.status_code == 201 and asked.status_code == 400 and "justification" in asked.json()["errors"]
    body = {"recipient": university.pk, "justification": NEED}
    asked = api.post(f"/api/v1/referrals/cases/{case.pk}/transfers/", body, content_type="application/json")
    own = api.post(f"/api/v1/referrals/transfers/{asked.json()['id']}/approve/")
    assert own.status_code == 400 and "second person" in own.json()["errors"]["transfer"][0]

    received = client_on(university, people.uni_lead).get(f"/api/v1/referrals/received/?source={partner.pk}").json()

    assert [c["data"]["outcome"] for c in received["cases"]] == ["no_outcome_yet"]
    assert received["transfers"] == [] and received["aggregates"] == []
