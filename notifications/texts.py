"""Small helpers for the text of a notification (at most 200 characters, `services.MAX_TEXT`)."""

from __future__ import annotations

from datetime import date

NAME_LIMIT = 60


def short(name: str, limit: int = NAME_LIMIT) -> str:
    """`name` (an organisation's) cut to `limit` characters with an ellipsis, so a text stays within bounds."""
    name = " ".join(str(name).split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def day(value: date) -> str:
    """A date as people read it: "31 January 2027"."""
    return f"{value.day} {value:%B %Y}"
