"""When a closed case is due for destruction: the retention date rules, pure (no database).

A case is kept for the organisation's retention period (`WelfareSettings.retention_days`,
default 2190 days, six years) after the day it closed. Date-only fields mean whole days in
Europe/London (`core.dates`), so:

* ``retention_ends_on(closed_on, days) = closed_on + days`` is the LAST day the case is kept
  without question (inclusive). A case closed on 1 March with a retention of 1 day is kept on
  1 and 2 March and is past retention from 3 March.
* From the next day the case is *due for review*. Nothing is destroyed automatically: a
  reviewer (scope ``welfare:retention``) either approves destruction or keeps it for another
  N days with a reason. A keep lasts until ``today + N`` inclusive, then the case is due again.
* A review belongs to one closing. If the case was reopened and closed again (its
  ``closed_on`` changed), an earlier review no longer applies and the clock starts afresh.
* An approval applies only while the case is still past retention: if the organisation
  lengthens its retention period after approval, the case is within retention again and the
  scheduled command leaves it alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

MIN_KEEP_DAYS: Final = 1
MAX_KEEP_DAYS: Final = 3650  # ten years: a longer hold is a change of retention policy, not a review


class Decision(enum.StrEnum):
    DESTROY = "destroy"
    KEEP = "keep"


class RetentionState(enum.StrEnum):
    OPEN = "open"  # not closed: no retention clock running
    WITHIN = "within"  # closed, still within the retention period
    DUE = "due"  # past retention, waiting for a reviewer
    KEPT = "kept"  # a reviewer chose to keep it until a date
    APPROVED = "approved"  # approved for destruction: the scheduled command destroys it

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: Final = {
    RetentionState.OPEN: "Open",
    RetentionState.WITHIN: "Within retention",
    RetentionState.DUE: "Due for review",
    RetentionState.KEPT: "Kept for now",
    RetentionState.APPROVED: "Approved for destruction",
}


@dataclass(frozen=True)
class Review:
    """The latest review of a case: what was decided, about which closing, and until when."""

    decision: Decision
    closed_on: date  # the closing the reviewer saw
    keep_until: date | None = None


def retention_ends_on(closed_on: date, retention_days: int) -> date:
    """The last day (inclusive) a case closed on `closed_on` is kept without review."""
    if retention_days < 0:
        raise ValueError("retention_days cannot be negative")
    return closed_on + timedelta(days=retention_days)


def keep_until(today: date, keep_days: int) -> date:
    """The last day (inclusive) of a keep for `keep_days` more days decided on `today`."""
    if not MIN_KEEP_DAYS <= keep_days <= MAX_KEEP_DAYS:
        raise ValueError(f"keep_days must be between {MIN_KEEP_DAYS} and {MAX_KEEP_DAYS}")
    return today + timedelta(days=keep_days)


def retention_state(
    *, closed_on: date | None, retention_days: int, today: date, review: Review | None = None
) -> RetentionState:
    """Where a case stands on `today` (see the module's rules)."""
    if closed_on is None:
        return RetentionState.OPEN
    if today <= retention_ends_on(closed_on, retention_days):
        return RetentionState.WITHIN
    if review is None or review.closed_on != closed_on:
        return RetentionState.DUE
    if review.decision == Decision.KEEP:
        if review.keep_until is not None and today <= review.keep_until:
            return RetentionState.KEPT
        return RetentionState.DUE
    return RetentionState.APPROVED


def reviewable(state: RetentionState) -> bool:
    """Whether a reviewer may decide (or change their decision) about a case in `state`."""
    return state in (RetentionState.DUE, RetentionState.KEPT, RetentionState.APPROVED)
