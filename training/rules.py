"""The rules of training coverage, as pure functions (no database): who must take a course, when
a completion expires, and whether a required course is current on a day.

Sources: the tiered model of the sector's case studies (all staff take an awareness module; key
roles and specific groups take enhanced or face-to-face training — Open University, London South
Bank University, BPP, Sheffield Hallam) and the refresher cycle the Prevent duty guidance expects
of training that is kept up to date.
"""

from __future__ import annotations

import enum
import unicodedata
from datetime import date

from dateutil.relativedelta import relativedelta


class Status(enum.StrEnum):
    CURRENT = "current"  # completed, and not yet expired on the day
    NEVER = "never"  # required, never completed (on or before the day)
    EXPIRED = "expired"  # completed, but the refresher interval has passed


STATUS_LABELS = {Status.CURRENT: "Up to date", Status.NEVER: "Never completed", Status.EXPIRED: "Refresher overdue"}


def clean_label(text: str) -> str:
    """A department or role as stored: format characters (zero-width space, BOM) removed, no-break
    and other spaces made one plain space, trimmed. Letters are kept as written ("Łódź", "İnci")."""
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != "Cf")
    return " ".join(kept.split())


def label_key(text: str) -> str:
    """The key two departments or roles are compared by: `clean_label`, then case-folded."""
    return clean_label(text).casefold()


def requires(*, department: str, role: str, person_department: str, person_role: str) -> bool:
    """Whether a requirement for (`department`, `role`) covers a person; an empty part matches anyone."""
    return (not department or label_key(department) == label_key(person_department)) and (
        not role or label_key(role) == label_key(person_role)
    )


def expires_on(completed_on: date, refresher_months: int | None) -> date | None:
    """The first day a completion no longer counts (`refresher_months` after it, the day clamped to
    the month's end: 31 Jan + 1 month = 28/29 Feb); None when the course never expires."""
    if refresher_months is None:
        return None
    return completed_on + relativedelta(months=refresher_months)


def status(*, last_completed: date | None, refresher_months: int | None, on: date) -> Status:
    """A required course's status on `on`, given the person's latest completion on or before `on`."""
    if last_completed is None or last_completed > on:
        return Status.NEVER
    ends = expires_on(last_completed, refresher_months)
    return Status.CURRENT if ends is None or on < ends else Status.EXPIRED


def percent(complete: int, required: int) -> float | None:
    """`complete` as a percentage of `required`, to one decimal place; None when nothing is required."""
    return None if required == 0 else round(100 * complete / required, 1)
