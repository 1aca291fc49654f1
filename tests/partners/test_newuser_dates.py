"""The validating university reads a partner's report: every date reads as a date ("1 Apr 2026"),
never as ISO text from the sealed record."""

from __future__ import annotations

from datetime import timedelta

from django.utils.dateformat import format as date_format
from django_tenants.utils import tenant_context

from core.dates import today
from partners import services
from sharing.models import SharedCheck
from tests.html_text import visible_text
from tests.partners.conftest import LAST_TERM


def test_the_university_reads_the_reports_period_sign_off_and_training_dates_as_dates(w, client_on):
    w.franchise()
    delivered = LAST_TERM.start + timedelta(days=9)
    with tenant_context(w.partner):
        services.training_record(
            actor=w.officer, organisation=w.partner, delivered_on=delivered,
            topic="Prevent awareness refresher", audience="Student services staff", attendees=14,
        )  # fmt: skip
    w.file(LAST_TERM, comments="All well.")
    record = SharedCheck.objects.get(source=w.partner, is_current=True)

    page = visible_text(client_on(w.university, w.uni_lead).get(f"/partners/received/{record.pk}/"))

    day = "j M Y"
    assert f"period {date_format(LAST_TERM.start, day)} to {date_format(LAST_TERM.end, day)}" in page
    assert f"{date_format(delivered, day)} Prevent awareness refresher" in page
    assert LAST_TERM.start.isoformat() not in page and delivered.isoformat() not in page
    assert f"on {date_format(today(), day)}." in page.split("Signed off by", 1)[1]  # the sign-off day
    assert today().isoformat() not in page
