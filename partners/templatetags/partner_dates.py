"""`{{ value|readable_date }}`: a date a sealed report carries as ISO text ("2026-04-01", or a
timestamp "2026-11-29T18:19:00+00:00") shown as people read dates ("1 Apr 2026"). Anything else is
shown as it is."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def readable_date(value: object) -> object:
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "j M Y")
    if isinstance(value, date):
        return date_format(value, "j M Y")
    if not isinstance(value, str) or not value:
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) > 10 and timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return date_format(parsed, "j M Y")
