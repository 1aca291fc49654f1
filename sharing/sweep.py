"""The scheduled sweep: retention, ended agreements, new recipients. Safe to run repeatedly and concurrently.

Access already ends at the moment an agreement or a retention period does (readers ask the
policy and check key expiry on every open). Ends that a person causes (a party leaves, a
level is lowered, an agreement is suspended or terminated, a check is withdrawn) also end
the keys in the same transaction (`sharing.revocation`); ends that come with time (an
agreement's expiry, notice to terminate running out, a check's retention) have no event, so
the sweep destroys those keys, and re-checks every agreement as a safety net, using the same
rule (`agreements.policy.withholds_keys`) and rotating channels whose readers shrank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement
from core.audit import audit_record
from sharing.models import ChannelKey, Envelope, EnvelopeKey, NameToken, SharedCheck
from sharing.revocation import KeyChanges, agreement_keys_sync, checks_backfill, senders_with_checks


@dataclass
class SweepReport:
    keys_expired: int = 0
    grants_ended: int = 0
    channels_rotated: int = 0
    channels_removed: int = 0
    grants_added: int = 0
    keys_backfilled: int = 0
    checks_destroyed: int = 0
    notes: list[str] = field(default_factory=list)

    def count(self, changes: KeyChanges) -> None:
        self.grants_ended += changes.grants_ended
        self.channels_rotated += changes.channels_rotated
        self.grants_added += changes.grants_added
        self.keys_backfilled += changes.keys_backfilled


def exchange_sweep(*, now: dt.datetime | None = None, batch_size: int = 500) -> SweepReport:
    """Destroy expired keys, end grants the policy no longer allows (rotating channels), backfill, shred.

    `now` (aware; default the current time) is the moment the policy is asked about. Each
    agreement is reconciled in its own transaction under its row lock; one that a lifecycle
    change holds at that moment is skipped, since that change reconciles it itself.
    """
    now = now or timezone.now()
    report = SweepReport()
    report.keys_expired = EnvelopeKey.objects.filter(expires_at__lte=now).delete()[1].get("sharing.EnvelopeKey", 0)
    _reconcile_grants(now, report)
    _destroy_expired_checks(now, batch_size, report)
    # A retired generation never seals again; once it holds no envelope key it opens nothing.
    emptied = ChannelKey.objects.filter(retired_at__isnull=False, envelope_keys__isnull=True)
    report.channels_removed = emptied.delete()[1].get("sharing.ChannelKey", 0)
    return report


def _reconcile_grants(now: dt.datetime, report: SweepReport) -> None:
    """The safety net, and the only actor for ends that come with time (expiry, notice running out)."""
    agreement_ids = ChannelKey.objects.filter(agreement__isnull=False).values_list("agreement_id", flat=True).distinct()
    for agreement_id in sorted(agreement_ids):
        with transaction.atomic():
            locked = Agreement.objects.select_for_update(no_key=True, skip_locked=True).filter(pk=agreement_id)
            if locked.values_list("pk", flat=True).first() is None:
                report.notes.append(f"agreement {agreement_id} was changing; its change reconciles it")
                continue
            report.count(agreement_keys_sync(agreement_id, at=now))
    for sender_id in senders_with_checks(now):
        with transaction.atomic():
            report.count(checks_backfill(sender_id=sender_id, at=now))


def _destroy_expired_checks(now: dt.datetime, batch_size: int, report: SweepReport) -> None:
    """Crypto-shredding: once a check lapses, every wrapped copy of its data keys goes, then the ciphertext."""
    while True:
        with transaction.atomic():
            batch = list(
                SharedCheck.objects.select_for_update(no_key=True, skip_locked=True).filter(
                    expires_at__lte=now, destroyed_at__isnull=True
                )[:batch_size]
            )
            if not batch:
                return
            EnvelopeKey.objects.filter(envelope__check_row__in=batch).delete()
            Envelope.objects.filter(check_row__in=batch).delete()
            NameToken.objects.filter(check_row__in=batch).delete()
            SharedCheck.objects.filter(pk__in=[c.pk for c in batch]).update(destroyed_at=now, is_current=False)
            for check in batch:
                audit_record(
                    action="exchange.destroy",
                    organisation_id=check.source_id,
                    target=check,
                    detail={"reason": "retention ended"},
                )
            report.checks_destroyed += len(batch)
