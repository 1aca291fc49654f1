"""Reporting periods: three terms and the academic year, with stable codes."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partners.periods import choosable_periods, period_from_code, term, term_containing, terms_ended_by


def test_terms_and_the_year_have_the_uk_academic_dates_and_stable_codes():
    autumn, spring, summer, year = (term(2025, n) for n in ("autumn", "spring", "summer", "annual"))
    assert (autumn.start, autumn.end) == (date(2025, 9, 1), date(2025, 12, 31))
    assert (spring.start, spring.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (summer.start, summer.end) == (date(2026, 4, 1), date(2026, 8, 31))
    assert (year.start, year.end) == (date(2025, 8, 1), date(2026, 7, 31))
    assert [p.code for p in (autumn, year)] == ["2025-26-autumn", "2025-26-annual"]
    assert autumn.label == "Autumn term 2025/26" and year.label == "Academic year 2025/26"
    assert period_from_code("2025-26-spring") == spring
    assert year.covers(spring) and not year.covers(summer)


@pytest.mark.parametrize("bad", ["", "2025/26-autumn", "2025-27-autumn", "2025-26-winter", "autumn"])
def test_a_badly_written_period_is_refused_with_the_form_it_should_take(bad):
    with pytest.raises(ValueError, match="-autumn"):
        period_from_code(bad)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_every_day_falls_in_exactly_one_term_and_the_terms_before_it_ended_before_it(day):
    found = term_containing(day)
    assert found.start <= day <= found.end
    assert term_containing(found.end + timedelta(days=1)).start == found.end + timedelta(days=1)
    ended = terms_ended_by(day, 3)
    assert all(p.end < day for p in ended) and ended[0].end == found.start - timedelta(days=1)
    assert found in choosable_periods(day)
