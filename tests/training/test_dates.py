"""Completion dates as UK learning systems and Excel write them."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.dates import DateProblem, parse_date


@pytest.mark.parametrize(
    "cell",
    ["15/03/2026", "15-03-2026", "15.03.2026", "15/3/26", "2026-03-15", "2026-03-15T14:05:00Z",
     "15/03/2026 14:05", "15/03/2026 2:05 pm", "15 March 2026", "15 Mar 2026", "15-Mar-2026", "46096", "46096.6",
     "\ufeff15/03/2026", "\u200b2026-03-15\u00a0", " 15 MARCH 2026 "],
)  # fmt: skip
def test_every_format_uk_learning_systems_export_reads_as_the_same_day(cell):
    assert parse_date(cell) == date(2026, 3, 15)


@pytest.mark.parametrize(
    ("cell", "says"),
    [("03/25/2026", "25 is not a month"), ("31/02/2026", "no day 31"), ("12345", "not an Excel date"),
     ("soon", "is not a date"), ("", "empty"), ("15 Mxy 2026", "not a month name")],
)  # fmt: skip
def test_a_value_that_is_not_a_date_says_why(cell, says):
    with pytest.raises(DateProblem, match=says):
        parse_date(cell)


@given(st.dates(date(1990, 1, 1), date(2099, 12, 31)))
def test_any_day_round_trips_through_every_written_form(day):
    serial = (day - date(1899, 12, 30)).days
    for written in (day.strftime("%d/%m/%Y"), day.isoformat(), day.strftime("%d %B %Y"), str(serial)):
        assert parse_date(written) == day
