"""Notice periods in UK working days.

A working day is Monday to Friday. Bank holidays are deliberately not excluded: they
differ between England and Wales, Scotland and Northern Ireland, and a wrong calendar
would silently shorten notice. Organisations that want a margin set a larger minimum.
"""

from __future__ import annotations

from datetime import date, timedelta


def working_days_notice(submitted_on: date, event_on: date) -> int:
    """Working days from the day after submission up to and including the event day (0 if not after)."""
    if event_on <= submitted_on:
        return 0
    whole_weeks, extra = divmod((event_on - submitted_on).days, 7)
    days = whole_weeks * 5
    for offset in range(1, extra + 1):
        if (submitted_on + timedelta(days=whole_weeks * 7 + offset)).weekday() < 5:
            days += 1
    return days
