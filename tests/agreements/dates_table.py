"""The table of instants around an agreement's expiry date (shared by the state and policy tests)."""

from datetime import UTC, date, datetime

from agreements.states import State

# (expiry date, instant, state at that instant). London: GMT in winter, BST (UTC+1) in summer.
EXPIRY_CASES = [
    (date(2026, 11, 29), datetime(2026, 11, 29, 12, 0, tzinfo=UTC), State.ACTIVE),  # noon on the day
    (date(2026, 11, 29), datetime(2026, 11, 29, 23, 59, tzinfo=UTC), State.ACTIVE),  # 23:59 GMT
    (date(2026, 11, 29), datetime(2026, 11, 30, 0, 0, tzinfo=UTC), State.EXPIRED),  # 00:00 GMT next day
    (date(2026, 6, 29), datetime(2026, 6, 29, 22, 59, tzinfo=UTC), State.ACTIVE),  # 23:59 BST
    (date(2026, 6, 29), datetime(2026, 6, 29, 23, 0, tzinfo=UTC), State.EXPIRED),  # 00:00 BST next day
    (date(2026, 3, 29), datetime(2026, 3, 29, 22, 59, tzinfo=UTC), State.ACTIVE),  # clocks went forward that day
    (date(2026, 3, 29), datetime(2026, 3, 29, 23, 0, tzinfo=UTC), State.EXPIRED),
    (date(2026, 10, 25), datetime(2026, 10, 25, 23, 59, tzinfo=UTC), State.ACTIVE),  # clocks went back that day
    (date(2026, 10, 25), datetime(2026, 10, 26, 0, 0, tzinfo=UTC), State.EXPIRED),
    (date(2026, 10, 24), datetime(2026, 10, 24, 22, 59, tzinfo=UTC), State.ACTIVE),  # last BST evening
    (date(2026, 10, 24), datetime(2026, 10, 24, 23, 0, tzinfo=UTC), State.EXPIRED),
]
