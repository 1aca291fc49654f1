"""The retention date rules (welfare.retention_rules): pure, checked by example and against a day-by-day model."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from welfare.retention_rules import (
    Decision,
    RetentionState,
    Review,
    keep_until,
    retention_ends_on,
    retention_state,
)

CLOSED = dt.date(2020, 3, 1)


def test_a_case_closed_on_1_march_with_one_day_of_retention_is_kept_on_1_and_2_march_and_due_on_3_march():
    assert retention_ends_on(CLOSED, 1) == dt.date(2020, 3, 2)
    states = [
        retention_state(closed_on=CLOSED, retention_days=1, today=CLOSED + dt.timedelta(days=n)) for n in range(3)
    ]
    assert states == [RetentionState.WITHIN, RetentionState.WITHIN, RetentionState.DUE]


def test_six_years_of_retention_counts_whole_days_across_leap_years():
    assert retention_ends_on(dt.date(2020, 1, 1), 2190) == dt.date(2025, 12, 30)


def test_an_open_case_has_no_retention_clock():
    assert retention_state(closed_on=None, retention_days=0, today=dt.date(2040, 1, 1)) == RetentionState.OPEN


def test_a_keep_lasts_to_its_last_day_inclusive_then_the_case_is_due_again():
    today = dt.date(2027, 1, 10)
    review = Review(Decision.KEEP, CLOSED, keep_until(today, 30))
    assert review.keep_until == dt.date(2027, 2, 9)
    state = lambda day: retention_state(closed_on=CLOSED, retention_days=10, today=day, review=review)  # noqa: E731
    assert state(dt.date(2027, 2, 9)) == RetentionState.KEPT
    assert state(dt.date(2027, 2, 10)) == RetentionState.DUE


def test_an_approval_applies_only_while_past_retention_and_only_to_the_closing_it_was_about():
    approved = Review(Decision.DESTROY, CLOSED)
    today = dt.date(2027, 1, 1)
    assert retention_state(closed_on=CLOSED, retention_days=10, today=today, review=approved) == RetentionState.APPROVED
    # the organisation lengthened its retention period after the approval
    assert retention_state(closed_on=CLOSED, retention_days=5000, today=today, review=approved) == RetentionState.WITHIN
    # the case was reopened and closed again later: the old approval no longer applies
    reclosed = dt.date(2021, 6, 1)
    assert retention_state(closed_on=reclosed, retention_days=10, today=today, review=approved) == RetentionState.DUE


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_a_keep_must_be_between_one_day_and_ten_years(days):
    with pytest.raises(ValueError):
        keep_until(dt.date(2027, 1, 1), days)


def _model_state(closed_on, days, today, decision, reviewed_closing, keep_days_from, keep_days):
    """An independent model: walk day by day from the closing, as a person with a calendar would."""
    day, last_kept = closed_on, None
    for _ in range(days):
        day = day + dt.timedelta(days=1)
    last_kept = day  # after `days` whole days following the closing day
    if today <= last_kept:
        return RetentionState.WITHIN
    if decision is None or reviewed_closing != closed_on:
        return RetentionState.DUE
    if decision == Decision.DESTROY:
        return RetentionState.APPROVED
    kept_through = keep_days_from
    for _ in range(keep_days):
        kept_through = kept_through + dt.timedelta(days=1)
    return RetentionState.KEPT if today <= kept_through else RetentionState.DUE


@given(
    closed_on=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=800),
    offset=st.integers(min_value=-10, max_value=1200),
    decision=st.sampled_from([None, Decision.DESTROY, Decision.KEEP]),
    same_closing=st.booleans(),
    keep_days=st.integers(min_value=1, max_value=400),
    decided_offset=st.integers(min_value=0, max_value=600),
)
def test_the_state_agrees_with_a_day_by_day_model(
    closed_on, days, offset, decision, same_closing, keep_days, decided_offset
):
    today = closed_on + dt.timedelta(days=offset)
    reviewed_closing = closed_on if same_closing else closed_on - dt.timedelta(days=1)
    decided_on = closed_on + dt.timedelta(days=decided_offset)
    review = None
    if decision is not None:
        until = keep_until(decided_on, keep_days) if decision == Decision.KEEP else None
        review = Review(decision, reviewed_closing, until)

    state = retention_state(closed_on=closed_on, retention_days=days, today=today, review=review)

    assert state == _model_state(closed_on, days, today, decision, reviewed_closing, decided_on, keep_days)
