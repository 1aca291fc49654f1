"""A new user's view: the validating university's Prevent lead reads an identified transfer, and the
partner's Prevent lead finds the sharing page from the case. Every code is shown as its label and
every date as a date people read."""

from __future__ import annotations

from datetime import date

from django_tenants.utils import tenant_context

from referrals import services
from referrals.models import TransferRequest
from referrals.periods import Term
from tests.html_text import visible_text
from tests.referrals.test_pages import NEED, _opened


def _refer(make_case, **fields):
    return make_case(
        subject_given_name="Siobhán",
        subject_family_name="Ní Bhriain-Trần",
        subject_date_of_birth=date(2005, 4, 7),
        opened_on=date(2026, 9, 10),
        prevent_lead_involved_on=date(2026, 9, 12),
        external_advice_sought_on=date(2026, 10, 3),
        formal_referral_made_on=date(2026, 10, 20),
        outcome="prevent_referral",
        outcome_recorded_on=date(2026, 10, 20),
        prevent_referral_on=date(2026, 10, 20),
        prevent_referral_reference="PRV/2026/0042",
        ideology_category="none_susceptibility",
        **fields,
    )


def test_the_university_reads_an_identified_transfer_in_labels_and_readable_dates_never_raw_codes(
    franchise, partner, university, people, make_case, client_on
):
    case = _refer(make_case)
    lead = _opened(client_on, partner, people.lead, case)
    lead.post(f"/referrals/cases/{case.pk}/summary/", {"recipient": university.pk})
    lead.post(f"/referrals/cases/{case.pk}/transfer/", {"recipient": university.pk, "justification": NEED})
    with tenant_context(partner):
        transfer = TransferRequest.objects.get()
    client_on(partner, people.dpo).post(f"/referrals/approvals/{transfer.pk}/approve/")

    page = visible_text(client_on(university, people.uni_lead).get("/referrals/received/"))

    assert "Siobhán Ní Bhriain-Trần" in page
    assert "Prevent lead involved on 12 September 2026" in page
    assert "Formal external referral made on 20 October 2026" in page
    assert "Referral to Prevent (sent 20 October 2026, reference PRV/2026/0042)" in page
    assert "None / susceptibility only" in page
    assert "7 April 2005" in page
    assert "Prevent lead involved (September 2026)" in page  # the summary's months, readable
    for raw in ("prevent_lead_involved", "formal_referral_made", "none_susceptibility", "2026-09", "2026-10"):
        assert raw not in page, raw


def test_the_case_page_links_the_prevent_lead_to_sharing_the_case(
    franchise, partner, university, people, make_case, client_on
):
    case = make_case()
    lead = _opened(client_on, partner, people.lead, case)

    page = lead.get(f"/welfare/cases/{case.pk}/").content.decode()

    assert f'href="/referrals/cases/{case.pk}/"' in page
    assert "Share with a validating university" in page


def test_the_case_page_offers_no_sharing_link_to_a_case_team_member_who_may_not_share(
    franchise, partner, university, people, make_case, client_on
):
    case = make_case()
    with tenant_context(partner):
        case.team.add(people.officer)
    officer = _opened(client_on, partner, people.officer, case)

    page = visible_text(officer.get(f"/welfare/cases/{case.pk}/"))

    assert case.subject_given_name in page
    assert "Share with a validating university" not in page


def test_the_partners_referrals_page_names_each_term_sent_not_its_code(
    franchise, partner, university, people, make_case, client_on
):
    make_case(opened_on=date(2025, 10, 1))
    with tenant_context(partner):
        services.aggregate_send(source=partner, term=Term(2025, 0))

    page = visible_text(client_on(partner, people.lead).get("/referrals/"))

    assert "Autumn term 2025/26" in page
    assert "2025-26-autumn" not in page


def test_a_table_withheld_entirely_says_which_table_it_is(franchise, partner, university, people, make_case, client_on):
    # A few cases spread over outcomes and stages: every figure would single someone out.
    for outcome in ("no_further_action", "internal_support", "police_referral", ""):
        make_case(
            opened_on=date(2025, 9, 10),
            outcome=outcome,
            prevent_lead_involved_on=date(2025, 9, 12) if outcome else None,
        )
    with tenant_context(partner):
        services.aggregate_send(source=partner, term=Term(2025, 0))

    page = visible_text(client_on(university, people.uni_lead).get("/referrals/received/"))

    assert (
        "Cases open in the term, by outcome and furthest stage: withheld, too few to publish without someone "
        "being identifiable." in page
    )
