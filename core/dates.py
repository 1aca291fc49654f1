"""What a date-only field means, everywhere: the whole calendar day in Europe/London, inclusive.

An agreement "expiring on 29 November" is in force until the last moment of 29 November UK
time (23:59:59.999… GMT or BST, whichever applies that day) and not from 00:00 on 30 November.
A shared check "expiring on 29 November" is readable the same way. A start date counts from
00:00 of that day. Every date-only field in the hub (agreement start, review and expiry dates;
a shared check's expiry) is read through this module, so there is one meaning and one helper.

Bounds are half-open: `day_starts(d) <= at < day_ends(d)` holds exactly for the instants of day
`d`. `day_ends(d)` is the *start of the next day*, an exclusive bound: compare with `<`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

__all__ = ["LONDON", "day_ends", "day_starts", "london_date", "today"]


def day_starts(day: date) -> datetime:
    """The first instant of `day` in Europe/London (aware). `at >= day_starts(d)` means "on or after d"."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def day_ends(day: date) -> datetime:
    """The exclusive end of `day` in Europe/London: 00:00 London time on the next day (aware).

    A date-only field is inclusive: something that runs "until 29 November" still holds at any
    `at < day_ends(29 November)`. Across a GMT/BST change the day is 23 or 25 hours long; the
    bound is still local midnight.
    """
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)


def london_date(at: datetime) -> date:
    """The calendar date in Europe/London at the aware instant `at`."""
    if at.tzinfo is None:
        raise ValueError("london_date needs an aware datetime.")
    return at.astimezone(LONDON).date()


def today(now: datetime | None = None) -> date:
    """Today's date in Europe/London (at `now`, default the current time)."""
    return london_date(now or datetime.now(tz=LONDON))
