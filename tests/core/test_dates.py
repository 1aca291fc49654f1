"""One meaning for every date-only field: the whole day in Europe/London, inclusive, across GMT and BST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.dates import LONDON, day_ends, day_starts, london_date

# (a date, an instant on it that is still that day in London, the first instant after it), in UTC.
CASES = [
    # 29 November (GMT): London time is UTC.
    (date(2026, 11, 29), datetime(2026, 11, 29, 23, 59, tzinfo=UTC), datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),
    # 29 June (BST, UTC+1): 23:59 London is 22:59 UTC; the day ends at 23:00 UTC.
    (date(2026, 6, 29), datetime(2026, 6, 29, 22, 59, tzinfo=UTC), datetime(2026, 6, 29, 23, 0, tzinfo=UTC)),
    # 29 March 2026, the day clocks go forward (23 hours long): ends at 23:00 UTC.
    (date(2026, 3, 29), datetime(2026, 3, 29, 22, 59, tzinfo=UTC), datetime(2026, 3, 29, 23, 0, tzinfo=UTC)),
    # 28 March 2026, the day before: GMT all day.
    (date(2026, 3, 28), datetime(2026, 3, 28, 23, 59, tzinfo=UTC), datetime(2026, 3, 29, 0, 0, tzinfo=UTC)),
    # 25 October 2026, the day clocks go back (25 hours long): starts 23:00 UTC the day before, ends 00:00 UTC.
    (date(2026, 10, 25), datetime(2026, 10, 25, 23, 59, tzinfo=UTC), datetime(2026, 10, 26, 0, 0, tzinfo=UTC)),
    # 31 December: the year turns.
    (date(2026, 12, 31), datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("day", "last_minute", "after"), CASES)
def test_a_date_runs_to_the_end_of_that_day_in_london_and_no_further(day, last_minute, after):
    assert day_starts(day) <= last_minute < day_ends(day)
    assert not after < day_ends(day)
    assert day_ends(day) == after
    assert london_date(last_minute) == day and london_date(after) == day + timedelta(days=1)
    assert day_ends(day) == day_starts(day + timedelta(days=1))
    assert day_ends(day).astimezone(LONDON).hour == 0


def _hours(day: date) -> timedelta:
    # Python subtracts same-zone datetimes by wall clock; elapsed time needs UTC.
    return day_ends(day).astimezone(UTC) - day_starts(day).astimezone(UTC)


def test_the_clock_change_days_are_23_and_25_hours_long():
    assert _hours(date(2026, 3, 29)) == timedelta(hours=23)
    assert _hours(date(2026, 10, 25)) == timedelta(hours=25)
    assert _hours(date(2026, 11, 29)) == timedelta(hours=24)


def test_a_shared_check_expiring_on_a_date_is_readable_until_the_same_bound():
    from sharing.services import _end_of_day

    for day, _, after in CASES:
        assert _end_of_day(day.isoformat()) == day_ends(day) == after
