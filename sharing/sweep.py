"""The scheduled sweep: retention, ended agreements, new recipients. Safe to run repeatedly and concurrently.

Access already ends at the moment an agreement or a retention period does (readers ask the
policy and check key expiry on every open); the sweep then destroys the keys themselves,
so the database stops holding anything that could open those records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from agreements.policy import DenyReason, Level, can_receive, load_terms, recipients_for
from core import crypto
from core.audit import audit_record
from sharing.keys import channel_get_or_create, channel_key_for_sender, grants_ensure
from sharing.models import (
    ChannelGrant,
    ChannelKey,
    Envelope,
    EnvelopeKey,
    ExchangeSettings,
    NameToken,
    SharedCheck,
    envelope_key_context,
)
from sharing.services import KIND, PURPOSE, allowed_under_agreement

# Denials that never lift by themselves; suspension and a pending re-signature do.
PERMANENT = {DenyReason.EXPIRED, DenyReason.TERMINATED, DenyReason.NO_AGREEMENT}


@dataclass
class SweepReport:
    keys_expired: int = 0
    grants_ended: int = 0
    grants_added: int = 0
    keys_backfilled: int = 0
    checks_destroyed: int = 0
    notes: list[str] = field(default_factory=list)


def exchange_sweep(*, now: dt.datetime | None = None, batch_size: int = 500) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    report.keys_expired = EnvelopeKey.objects.filter(expires_at__lte=now).delete()[1].get("sharing.EnvelopeKey", 0)
    _reconcile_grants(now, report)
    _destroy_expired_checks(now, batch_size, report)
    return report


def _reconcile_grants(now: dt.datetime, report: SweepReport) -> None:
    for channel in ChannelKey.objects.filter(agreement__isnull=False, recipient__isnull=True).select_related(
        "sender_key"
    ):
        terms = load_terms(source_id=channel.sender_id, kind=KIND)
        for grant in ChannelGrant.objects.filter(channel=channel):
            decision = can_receive(
                terms,
                source_id=channel.sender_id,
                recipient_id=grant.recipient_id,
                kind=KIND,
                level=channel.level,
                purpose=PURPOSE,
                at=now,
            )
            if (
                not decision.allowed
                and decision.reason in PERMANENT
                and not allowed_under_agreement(
                    terms,
                    agreement_id=channel.agreement_id,
                    source_id=channel.sender_id,
                    recipient_id=grant.recipient_id,
                    level=channel.level,
                    at=now,
                )
            ):
                grant.delete()
                report.grants_ended += 1
        allowed = [
            g.recipient_id
            for g in recipients_for(
                source_id=channel.sender_id, kind=KIND, level=channel.level, purpose=PURPOSE, at=now
            )
            if g.agreement_id == channel.agreement_id
        ]
        if allowed:
            report.grants_added += grants_ensure(channel, channel_key_for_sender(channel), allowed)
    _backfill_new_agreements(now, report)


def _backfill_new_agreements(now: dt.datetime, report: SweepReport) -> None:
    """Checks shared before an agreement became active are wrapped into its channel too."""
    senders = (
        SharedCheck.objects.filter(
            is_current=True, withdrawn_at__isnull=True, destroyed_at__isnull=True, expires_at__gt=now
        )
        .values_list("source_id", flat=True)
        .distinct()
    )
    automatic = dict(
        ExchangeSettings.objects.filter(organisation_id__in=list(senders)).values_list(
            "organisation_id", "automatic_level"
        )
    )
    automatic = defaultdict(lambda: int(Level.SUMMARY), automatic)
    for sender_id in senders:
        for grant in recipients_for(source_id=sender_id, kind=KIND, level=1, purpose=PURPOSE, at=now):
            level = min(int(grant.max_level), automatic[sender_id])
            channel, secret = channel_get_or_create(agreement_id=grant.agreement_id, sender_id=sender_id, level=level)
            grants_ensure(channel, secret, [grant.recipient_id])
            report.keys_backfilled += _wrap_missing(sender_id, channel, secret, level, grant.retention_days, now)


def _wrap_missing(
    sender_id: int, channel: ChannelKey, secret: bytes, level: int, retention_days: int, now: dt.datetime
) -> int:
    missing = (
        Envelope.objects.filter(
            level=level,
            check_row__source_id=sender_id,
            check_row__is_current=True,
            check_row__withdrawn_at__isnull=True,
            check_row__destroyed_at__isnull=True,
            check_row__expires_at__gt=now,
        )
        .exclude(keys__channel=channel)
        .select_related("check_row")
    )
    rows = []
    for envelope in missing:
        archive = (
            EnvelopeKey.objects.select_related("channel__sender_key")
            .filter(envelope=envelope, channel__agreement__isnull=True)
            .first()
        )
        if archive is None:
            continue
        data_key = crypto.open_sealed(
            channel_key_for_sender(archive.channel),
            bytes(archive.wrapped_data_key),
            associated_data=envelope_key_context(envelope.pk, archive.channel_id),
        )
        rows.append(
            EnvelopeKey(
                envelope=envelope,
                channel=channel,
                expires_at=min(envelope.check_row.expires_at, now + dt.timedelta(days=retention_days)),
                wrapped_data_key=crypto.seal(
                    secret, data_key, associated_data=envelope_key_context(envelope.pk, channel.pk)
                ),
            )
        )
    EnvelopeKey.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _destroy_expired_checks(now: dt.datetime, batch_size: int, report: SweepReport) -> None:
    """Crypto-shredding: once a check lapses, every wrapped copy of its data keys goes, then the ciphertext."""
    while True:
        with transaction.atomic():
            batch = list(
                SharedCheck.objects.select_for_update(skip_locked=True).filter(
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
