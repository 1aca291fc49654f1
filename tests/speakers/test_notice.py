"""Notice counts UK working days (Monday to Friday) after the day of submission."""

from datetime import date

import pytest

from speakers.notice import working_days_notice


@pytest.mark.parametrize(
    ("submitted", "event", "expected"),
    [
        (date(2026, 3, 2), date(2026, 3, 23), 15),  # Monday to the Monday three weeks on
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday: the weekend does not count
        (date(2026, 3, 2), date(2026, 3, 2), 0),
        (date(2026, 3, 9), date(2026, 3, 2), 0),
        (date(2026, 3, 7), date(2026, 3, 8), 0),  # Saturday to Sunday
    ],
)
def test_working_days_notice_counts_weekdays_after_submission_up_to_the_event(submitted, event, expected):
    assert working_days_notice(submitted, event) == expected
