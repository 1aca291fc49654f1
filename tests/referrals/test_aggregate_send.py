"""Aggregate level, end to end: a term's counts reach the validating university through the exchange and
the policy, suppressed with the agreement's threshold (secondary suppression included), once per term."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from agreements import services as agreement_services
from core.dates import LONDON
from referrals import projections, selectors, services
from referrals.models import AggregateSend
from referrals.periods import Term
from referrals.suppression import Status, SuppressedTable
from tests.referrals.conftest import stored
from tests.referrals.test_suppression import figures_worked_out
from welfare.models import Concern

AUTUMN = Term(2025, 0)  # 1 September – 31 December 2025


def _cases(make_case):
    """Eleven cases of the autumn term: most closed with no further action, a few escalated."""
    for n in range(7):
        make_case(opened_on=date(2025, 9, 2 + n), outcome="no_further_action", outcome_recorded_on=date(2025, 10, 1),
                  status="closed", closed_on=date(2025, 10, 1), subject_given_name=f"Student{n}")  # fmt: skip
    for day in (3, 9):
        make_case(opened_on=date(2025, 9, day), prevent_lead_involved_on=date(2025, 9, day + 1),
                  outcome="internal_support", outcome_recorded_on=date(2025, 11, 1))  # fmt: skip
    make_case(opened_on=date(2025, 10, 1), prevent_lead_involved_on=date(2025, 10, 2),
              external_advice_sought_on=date(2025, 10, 9), formal_referral_made_on=date(2025, 10, 20),
              outcome="prevent_referral", outcome_recorded_on=date(2025, 10, 20),
              prevent_referral_on=date(2025, 10, 20), prevent_referral_reference="PRV-0001")  # fmt: skip
    make_case(opened_on=date(2025, 12, 1))  # still open, no outcome yet
    make_case(opened_on=date(2026, 1, 5))  # next term: not counted


def _concerns(partner, how_many):
    with tenant_context(partner):
        for n in range(how_many):
            Concern.objects.create(
                subject_given_name="Anan", subject_family_name=f"Sittichai{n}", observed_on=date(2025, 10, 1),
                what_happened="Overheard remarks.", raised_at=datetime.combine(date(2025, 10, 2), time(12), LONDON),
                triage_outcome="case_opened" if n < 6 else "advice_given",
            )  # fmt: skip


def test_a_terms_counts_reach_the_university_suppressed_with_no_small_figure_left_to_work_out(
    franchise, partner, university, people, make_case
):
    _cases(make_case)
    _concerns(partner, 8)
    with tenant_context(partner):
        truth = projections.case_counts(AUTUMN)

        (result,) = services.aggregate_send(source=partner, term=AUTUMN)

    assert result.outcome == "sent" and result.recipient == university
    (view,) = selectors.received_summary_for(organisation=university, user=people.uni_dpo, source_id=partner.pk)[
        "aggregates"
    ]
    assert view.data["period"] == "2025-26-autumn" and view.data["threshold"] == 5
    cases = SuppressedTable.from_record(view.data["tables"]["cases"])
    assert cases.total.value == 11  # the twelfth case opened the next term
    assert cases.cells["no_further_action", "not_escalated"].value == 7
    assert cases.cells["internal_support", "prevent_lead_involved"].label(5) == "fewer than 5"
    assert cases.cells["prevent_referral", "formal_referral_made"].label(5) == "fewer than 5"
    assert any(f.status is Status.WITHHELD for f in cases.figures()), "secondary suppression"
    counts = [[truth[r][c] for c in cases.columns] for r in cases.rows]
    assert figures_worked_out(cases, counts) == set()
    concerns = SuppressedTable.from_record(view.data["tables"]["concerns"])
    assert concerns.total.value == 8
    assert concerns.cells["advice_given", "concerns"].label(5) == "fewer than 5"
    # 8 - 6 would give the 2 away: the 6 is withheld too (secondary suppression).
    assert concerns.cells["case_opened", "concerns"].label(5) == "withheld"
    assert "Student" not in str(view.data) and "Sittichai" not in str(view.data)


def test_sending_a_term_twice_sends_it_once(franchise, partner, university, people, make_case):
    _cases(make_case)
    with tenant_context(partner):
        services.aggregate_send(source=partner, term=AUTUMN)
        before = stored()

        (again,) = services.aggregate_send(source=partner, term=AUTUMN)

        assert again.outcome == "already_sent" and AggregateSend.objects.count() == 1
    assert stored() == before


def test_the_termly_command_visits_every_partner_and_is_idempotent(
    franchise, partner, university, people, make_case, capsys
):
    _cases(make_case)

    call_command("referrals_send_aggregates", "--period", AUTUMN.code)
    call_command("referrals_send_aggregates", "--period", AUTUMN.code)

    out = capsys.readouterr().out
    assert f"{partner.name} → {university.name}: sent" in out
    assert f"{partner.name} → {university.name}: already sent" in out
    with tenant_context(partner):
        assert AggregateSend.objects.filter(period=AUTUMN.code).count() == 1


def test_the_agreements_threshold_is_used(drafting, partner, university, people, make_case):
    drafting.active([university, partner], template="franchise", small_number_threshold=10)
    _cases(make_case)
    with tenant_context(partner):
        services.aggregate_send(source=partner, term=AUTUMN)

    (view,) = selectors.received_summary_for(organisation=university, user=people.uni_dpo, source_id=None)["aggregates"]
    cases = SuppressedTable.from_record(view.data["tables"]["cases"])
    assert view.data["threshold"] == 10
    assert cases.cells["no_further_action", "not_escalated"].label(10) == "fewer than 10"


def test_when_the_agreement_ends_aggregates_stop_opening_and_new_ones_are_not_sent(
    franchise, drafting, partner, university, people, make_case
):
    _cases(make_case)
    with tenant_context(partner):
        services.aggregate_send(source=partner, term=AUTUMN)
    agreement_services.agreement_terminate(
        actor=drafting.signatory(partner), organisation=partner, agreement=franchise, reason="Ending", notice_days=0
    )
    before = stored()

    with tenant_context(partner):
        (result,) = services.aggregate_send(source=partner, term=Term(2025, 1))

    assert result.outcome == "terminated"
    assert stored() == before
    assert (
        selectors.received_summary_for(organisation=university, user=people.uni_lead, source_id=None)["aggregates"]
        == []
    )


@pytest.mark.parametrize(
    ("day", "code"),
    [(date(2026, 1, 1), "2025-26-autumn"), (date(2026, 4, 1), "2025-26-spring"), (date(2026, 9, 1), "2025-26-summer")],
)
def test_the_term_sent_is_the_one_that_ended_last(day, code):
    from referrals.periods import last_ended

    assert last_ended(day).code == code
