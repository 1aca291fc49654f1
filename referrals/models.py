"""What a partner asked to send about its cases, in its own schema (the sealed records live in the exchange).

* `TransferRequest`: an identified (full) transfer of one case to one recipient. It records the
  necessity justification and, before anything is sealed, the approval of a second person who
  holds `referrals:approve` and is not the requester. Sealing happens in the approval's own
  transaction (`referrals.services.transfer_approve`); a pending or declined request has sealed
  nothing.
* `AggregateSend`: one term's counts sent to one recipient (idempotence of the termly command,
  and the partner's own history of what went where).

Recipients are public-schema organisations; people are public-schema users. Foreign keys to them
use DO_NOTHING: neither is ever deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from referrals.periods import term_from_code
from tenants.models import Organisation
from welfare.models import Case


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a second person to approve"
    SENT = "sent", "Approved and sent"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"


class TransferRequest(models.Model):
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="+")
    case_number = models.PositiveIntegerField(help_text="The case's id, kept when the case is destroyed.")
    recipient = models.ForeignKey(Organisation, on_delete=models.DO_NOTHING, related_name="+")
    agreement_id = models.PositiveIntegerField(help_text="The agreement the policy named (at approval, if sent).")
    justification = models.TextField("why the identified transfer is necessary")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    shared_record_id = models.PositiveIntegerField(null=True, blank=True, help_text="The exchange's record, once sent.")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(shared_record_id__isnull=False, decided_by__isnull=False),
                name="referrals_sent_transfer_has_record_and_approver",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decided_by=models.F("requested_by")),
                name="referrals_transfer_second_person_decides",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer request {self.pk}"

    @property
    def ref(self) -> str:
        """The exchange ref of the sealed record: under the case's own ref, so the case's retention takes it."""
        return f"case:{self.case_number}/transfer:{self.pk}"


class AggregateSend(models.Model):
    period = models.CharField(max_length=20, help_text='An academic term, e.g. "2026-27-autumn".')
    recipient = models.ForeignKey(Organisation, on_delete=models.DO_NOTHING, related_name="+")
    agreement_id = models.PositiveIntegerField()
    threshold = models.PositiveSmallIntegerField()
    shared_record_id = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "recipient"], name="referrals_one_aggregate_per_term"),
        ]

    def __str__(self) -> str:
        return f"Aggregate {self.period} to organisation {self.recipient_id}"

    @property
    def period_label(self) -> str:
        """The term as people read it ("Autumn term 2026/27"), not its code."""
        try:
            return term_from_code(self.period).label
        except ValueError:
            return self.period


class SummaryShare(models.Model):
    """The pseudonymised summary of one case, as last sent to one recipient (what updates compare against)."""

    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="+")
    case_number = models.PositiveIntegerField()
    recipient = models.ForeignKey(Organisation, on_delete=models.DO_NOTHING, related_name="+")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the summary last sent (not the summary).")
    shared_record_id = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    first_shared_at = models.DateTimeField(default=timezone.now)
    last_shared_at = models.DateTimeField(default=timezone.now)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    class Meta:
        ordering = ["case_number", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["case_number", "recipient"], name="referrals_one_summary_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"Summary of case {self.case_number} to organisation {self.recipient_id}"
