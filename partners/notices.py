"""Who is notified about partner reports (`notifications.services.notify`), and the daily sweep.

* A report signed off and sent: the validating university's overseers (`partners:oversee`).
* Overdue (the assurance page's rule, `selectors.overdue_periods`): at the university, its
  overseers, once per partner and term; at the partner itself, those who assemble the report
  (`partners:report`), once per term.

Texts name organisations and periods only.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from core.dates import today as london_today
from notifications.kinds import Kind
from notifications.services import notify, register_object_check
from notifications.tasks import register_sweep
from notifications.texts import day, short
from partners.models import PartnerReport
from partners.selectors import due_date, overdue_from, partner_status, validated_partners
from sharing.models import SharedCheck
from tenants.models import Organisation, User
from tenants.scopes import Scope


def report_arrived(report: PartnerReport, *, partner: Organisation, university: Organisation, record_id: int) -> int:
    """Tell `university`'s overseers that `partner`'s report arrived. Call inside the sign-off transaction."""
    text = f"{short(partner.name)} sent its report for {report.period.label} (version {report.version})"
    return len(
        notify(Kind.PARTNER_REPORT_ARRIVED, organisation=university, scope=Scope.PARTNERS_OVERSEE, text=text,
               url=f"/partners/received/{record_id}/", object_id=record_id)
    )  # fmt: skip


def report_still_current(user: User, record_id: int) -> bool:
    """Whether the received report a "report arrived" notification links to can still be opened.

    A later version replaces it (the university then sees only that one), and a withdrawn,
    destroyed or lapsed report opens no more: its notification is dropped rather than link to
    a "not found" page. Whether the agreement still allows reading is the policy's, when opened.
    """
    return SharedCheck.objects.filter(
        pk=record_id, is_current=True, withdrawn_at__isnull=True, destroyed_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()  # fmt: skip


def sweep_overdue(organisation: Organisation, on: date | None = None) -> int:
    """Daily, in `organisation`'s schema: overdue reports of the partners it validates, and its own.

    Returns how many people were notified (none twice for the same partner and term).
    """
    on = on or london_today()
    notified = 0
    for partner in validated_partners(organisation):
        for period in overdue_from(organisation, partner, on):
            text = (
                f"{short(partner.name)}'s report for {period.label} is overdue: it was due on {day(due_date(period))}"
            )
            notified += len(
                notify(Kind.PARTNER_REPORT_OVERDUE, organisation=organisation, scope=Scope.PARTNERS_OVERSEE,
                       text=text, url="/partners/", key=f"partner:{partner.pk}:report:{period.code}")
            )  # fmt: skip
    status = partner_status(organisation, on)
    for period in status.overdue:
        university = short(status.universities[0].name) if status.universities else "the validating university"
        text = f"Our report to {university} for {period.label} is overdue: it was due on {day(due_date(period))}"
        notified += len(
            notify(Kind.PARTNER_REPORT_OVERDUE, organisation=organisation, scope=Scope.PARTNERS_REPORT, text=text,
                   url="/partners/reports/", key=f"own-report:{period.code}")
        )  # fmt: skip
    return notified


def register() -> None:
    """Register the daily sweep and the object check of "report arrived" (from `PartnersConfig.ready`)."""
    register_sweep(sweep_overdue)
    register_object_check(Kind.PARTNER_REPORT_ARRIVED, report_still_current)
