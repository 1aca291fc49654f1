"""Ending access is a key operation: grants follow the policy, and a channel rotates when its readers shrink.

Who may read a channel is the policy's answer for that channel's agreement alone
(`agreements.policy.can_receive` over the agreement's own terms, for the channel's record kind and
purpose, at the channel's level). Every kind goes through here: speaker checks, and the referrals
and partner reports of `sharing.records` (one channel per recipient). This module makes the
wrapped keys match that answer:

* A recipient denied for a reason that withholds keys (`agreements.policy.withholds_keys`: every
  permanent denial, and suspension) loses its grants on **every generation** of the channel. If
  it held the live generation, that generation is retired, so whatever is shared afterwards is
  sealed under a new generation (made by the next share) that it never held.
* A recipient the agreement allows gets a grant on every generation of the channel it may read
  (after a suspension is lifted, a party added, a level raised), so checks shared before the
  change open again while they are within retention.
* Denials that keep keys (a version waiting for signatures, a start date still to come) change
  nothing here: the policy still refuses every open until they lift.

`agreement_keys_sync` runs inside the transaction of every agreement lifecycle change (edit,
propose, sign, suspend, resume, terminate) through `agreements.events`; `exchange_sweep` runs it
for every agreement as the safety net, and for the ends that come with time (expiry, notice
running out), which have no event. `checks_backfill` wraps speaker checks the allowed recipients cannot
open yet (shared before their agreement became active, or at a level since changed) into the
channels that now allow them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement, AgreementFlow
from agreements.policy import FlowTerms, Level, can_receive, load_terms, recipients_for, withholds_keys
from core import crypto
from core.audit import audit_record
from sharing.keys import agreements_hold, channel_get_or_create, channel_key_for_sender, grants_ensure
from sharing.models import (
    ChannelGrant,
    ChannelKey,
    Envelope,
    EnvelopeKey,
    ExchangeSettings,
    SharedCheck,
    envelope_key_context,
)
from sharing.services import KIND, PURPOSE

# Backfill is for speaker checks only: records of other kinds are sealed for one recipient each.
_SPEAKER_CHANNEL = {"kind": KIND, "purpose": PURPOSE}
_Flow = tuple[int, int, int | None, str, str]  # (sender, level, one-off recipient, kind, purpose)


@dataclass
class KeyChanges:
    """What one reconciliation did. `removed`: (sender, recipient) pairs that lost grants."""

    grants_ended: int = 0
    grants_added: int = 0
    channels_rotated: int = 0
    keys_backfilled: int = 0
    removed: set[tuple[int, int]] = field(default_factory=set)

    def add(self, other: KeyChanges) -> None:
        self.grants_ended += other.grants_ended
        self.grants_added += other.grants_added
        self.channels_rotated += other.channels_rotated
        self.keys_backfilled += other.keys_backfilled
        self.removed |= other.removed


def agreement_keys_sync(agreement_id: int, *, at: dt.datetime | None = None) -> KeyChanges:
    """Make every channel of `agreement_id` readable by exactly the organisations its policy allows.

    The caller holds the agreement's row for update inside a transaction (every lifecycle
    service does; the sweep takes it). Writes one `exchange.keys_ended` audit event per sender
    whose recipients lost keys (ids and counts only). Returns what changed.
    """
    at = at or timezone.now()
    changes = KeyChanges()
    flows: dict[_Flow, list[ChannelKey]] = defaultdict(list)
    for channel in ChannelKey.objects.filter(agreement_id=agreement_id).select_related("sender_key").order_by("pk"):
        flows[(channel.sender_id, channel.level, channel.recipient_id, channel.kind, channel.purpose)].append(channel)
    terms_of: dict[tuple[int, str], list[FlowTerms]] = {}
    by_sender: dict[int, KeyChanges] = defaultdict(KeyChanges)
    for (sender_id, level, recipient_id, kind, purpose), generations in flows.items():
        if (sender_id, kind) not in terms_of:
            terms_of[(sender_id, kind)] = [
                t for t in load_terms(source_id=sender_id, kind=kind) if t.agreement_id == agreement_id
            ]
        flow = _ChannelFlow(sender_id, level, recipient_id, kind, purpose)
        by_sender[sender_id].add(_flow_sync(terms_of[(sender_id, kind)], flow, generations, at))
    for sender_id, sender_changes in sorted(by_sender.items()):
        changes.add(sender_changes)
        if sender_changes.removed:
            audit_record(
                action="exchange.keys_ended",
                organisation_id=sender_id,
                target_type="agreements.agreement",
                target_id=agreement_id,
                detail={
                    "agreement": agreement_id,
                    "recipients": sorted(r for _, r in sender_changes.removed),
                    "grants_ended": sender_changes.grants_ended,
                    "channels_rotated": sender_changes.channels_rotated,
                },
            )
    return changes


@dataclass(frozen=True)
class _ChannelFlow:
    """What every generation of one channel shares: the policy question its readers must pass."""

    sender_id: int
    level: int
    recipient_id: int | None
    kind: str
    purpose: str


def _flow_sync(
    terms: list[FlowTerms], flow: _ChannelFlow, generations: list[ChannelKey], at: dt.datetime
) -> KeyChanges:
    sender_id, level, recipient_id = flow.sender_id, flow.level, flow.recipient_id
    changes = KeyChanges()
    held: dict[int, set[int]] = defaultdict(set)  # channel id -> recipients with a grant
    for channel_id, holder in ChannelGrant.objects.filter(channel__in=generations).values_list(
        "channel_id", "recipient_id"
    ):
        held[channel_id].add(holder)
    holders = set().union(*held.values()) if held else set()
    candidates = holders | ({recipient_id} if recipient_id is not None else {t.recipient_id for t in terms})
    decisions = {
        r: can_receive(
            terms, source_id=sender_id, recipient_id=r, kind=flow.kind, level=level, purpose=flow.purpose, at=at
        )
        for r in candidates
    }
    # A one-off channel is for its recipient alone.
    readers = {r for r, d in decisions.items() if d.allowed and recipient_id in (None, r)}
    removed = {
        r
        for r in holders - readers
        if recipient_id not in (None, r) or withholds_keys(decisions[r].reason)  # not a pending signature
    }
    if removed:
        changes.grants_ended = ChannelGrant.objects.filter(channel__in=generations, recipient_id__in=removed).delete()[
            0
        ]
        changes.removed = {(sender_id, r) for r in removed}
        for channel in generations:
            if channel.retired_at is None and held[channel.pk] & removed:
                channel.retired_at = at
                channel.save(update_fields=["retired_at"])
                changes.channels_rotated += 1
    for channel in generations:
        missing = readers - held[channel.pk]
        if missing:
            changes.grants_added += grants_ensure(channel, channel_key_for_sender(channel), sorted(missing))
    return changes


def checks_backfill(*, sender_id: int, at: dt.datetime | None = None, skip_locked: bool = False) -> KeyChanges:
    """Wrap `sender_id`'s readable checks for every recipient that may read them now but cannot yet.

    Each recipient's best agreement (the policy's choice) is the one it reads through: the
    recipient gets a grant on every generation of that agreement's channel at the level the sender
    shares at, and the live generation gets a key to every current check that has no key in any
    generation of it; retention runs from now, never past the check's own expiry. Call inside a
    transaction; the agreements used are share-locked first (`skip_locked`: leave out agreements
    another transaction holds, for callers already holding an agreement's row).
    """
    at = at or timezone.now()
    changes = KeyChanges()
    grants = recipients_for(source_id=sender_id, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE, at=at)
    held = agreements_hold([g.agreement_id for g in grants], skip_locked=skip_locked)
    if not held:
        return changes
    # Asked again under the locks: a change that committed meanwhile is seen now.
    grants = recipients_for(source_id=sender_id, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE, at=at)
    automatic = ExchangeSettings.objects.filter(organisation_id=sender_id).values_list("automatic_level", flat=True)
    sender_level = int(automatic.first() or Level.SUMMARY)
    by_channel: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # -> (recipient, retention days)
    for grant in grants:
        if grant.agreement_id in held:
            level = min(int(grant.max_level), sender_level)
            by_channel[(grant.agreement_id, level)].append((grant.recipient_id, grant.retention_days))
    for (agreement_id, level), recipients in sorted(by_channel.items()):
        # Whoever reads through this channel now reads every generation of it (keys to older checks).
        generations = ChannelKey.objects.filter(
            agreement_id=agreement_id, sender_id=sender_id, level=level, recipient__isnull=True, **_SPEAKER_CHANNEL
        ).select_related("sender_key")
        changes.grants_added += _grant_generations(list(generations), [r for r, _ in recipients])
        if not _has_missing(sender_id, agreement_id, level, at):
            continue
        channel, secret = channel_get_or_create(agreement_id=agreement_id, sender_id=sender_id, level=level)
        changes.grants_added += grants_ensure(channel, secret, [r for r, _ in recipients])
        changes.keys_backfilled += _wrap_missing(sender_id, channel, secret, min(d for _, d in recipients), at)
    return changes


def _grant_generations(generations: list[ChannelKey], recipient_ids: list[int]) -> int:
    """Grant each generation to each recipient lacking it; unwraps a channel key only when needed."""
    have = set(
        ChannelGrant.objects.filter(channel__in=generations, recipient_id__in=recipient_ids).values_list(
            "channel_id", "recipient_id"
        )
    )
    added = 0
    for channel in generations:
        missing = [r for r in recipient_ids if (channel.pk, r) not in have]
        if missing:
            added += grants_ensure(channel, channel_key_for_sender(channel), missing)
    return added


def _missing(sender_id: int, agreement_id: int, level: int, at: dt.datetime):  # noqa: ANN202 (a queryset)
    return Envelope.objects.filter(
        level=level,
        check_row__kind=KIND,
        check_row__source_id=sender_id,
        check_row__is_current=True,
        check_row__withdrawn_at__isnull=True,
        check_row__destroyed_at__isnull=True,
        check_row__expires_at__gt=at,
    ).exclude(
        keys__channel__in=ChannelKey.objects.filter(
            agreement_id=agreement_id, sender_id=sender_id, level=level, recipient__isnull=True, **_SPEAKER_CHANNEL
        )
    )


def _has_missing(sender_id: int, agreement_id: int, level: int, at: dt.datetime) -> bool:
    return _missing(sender_id, agreement_id, level, at).exists()


def _wrap_missing(sender_id: int, channel: ChannelKey, secret: bytes, retention_days: int, at: dt.datetime) -> int:
    envelopes = list(_missing(sender_id, channel.agreement_id or 0, channel.level, at).select_related("check_row"))
    archive = {
        key.envelope_id: key
        for key in EnvelopeKey.objects.filter(envelope__in=envelopes, channel__agreement__isnull=True).select_related(
            "channel__sender_key"
        )
    }
    archive_secrets: dict[int, bytes] = {}
    rows = []
    for envelope in envelopes:
        kept = archive.get(envelope.pk)
        if kept is None:
            continue
        if kept.channel_id not in archive_secrets:
            archive_secrets[kept.channel_id] = channel_key_for_sender(kept.channel)
        data_key = crypto.open_sealed(
            archive_secrets[kept.channel_id],
            bytes(kept.wrapped_data_key),
            associated_data=envelope_key_context(envelope.pk, kept.channel_id),
        )
        rows.append(
            EnvelopeKey(
                envelope=envelope,
                channel=channel,
                expires_at=min(envelope.check_row.expires_at, at + dt.timedelta(days=retention_days)),
                wrapped_data_key=crypto.seal(
                    secret, data_key, associated_data=envelope_key_context(envelope.pk, channel.pk)
                ),
            )
        )
    EnvelopeKey.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def senders_with_checks(at: dt.datetime) -> list[int]:
    """Organisations with at least one speaker check still readable at `at`."""
    return list(
        SharedCheck.objects.filter(
            kind=KIND, is_current=True, withdrawn_at__isnull=True, destroyed_at__isnull=True, expires_at__gt=at
        )
        .values_list("source_id", flat=True)
        .distinct()
        .order_by("source_id")
    )


def on_flows_changed(agreement_id: int) -> None:
    """The receiver `sharing.apps` registers with `agreements.events`: runs inside the change's transaction.

    Ends the keys of whoever lost access, rotates channels whose readers shrank, grants keys to
    whoever gained it, and wraps for them the checks they may now read. The wrapping (a scan of
    the sender's checks) runs only when readers changed or a flow has no channel yet, so a change
    that moves no one (a proposal, a signature short of the last) costs a few queries. Raising
    aborts the change.
    """
    at = timezone.now()
    changes = agreement_keys_sync(agreement_id, at=at)
    readers_changed = bool(changes.grants_added or changes.grants_ended or changes.channels_rotated)
    senders = set(
        AgreementFlow.objects.filter(agreement_id=agreement_id, kind=KIND).values_list("sender_id", flat=True)
    )
    for sender_id in senders_with_checks(at):
        if sender_id in senders and (readers_changed or _lacks_channel(sender_id, agreement_id, at)):
            checks_backfill(sender_id=sender_id, at=at, skip_locked=True)


def _lacks_channel(sender_id: int, agreement_id: int, at: dt.datetime) -> bool:
    """Does the agreement allow a flow from `sender_id` at a level it has no channel for (e.g. just activated)?"""
    grants = [
        g
        for g in recipients_for(source_id=sender_id, kind=KIND, level=Level.SUMMARY, purpose=PURPOSE, at=at)
        if g.agreement_id == agreement_id
    ]
    if not grants:
        return False
    automatic = ExchangeSettings.objects.filter(organisation_id=sender_id).values_list("automatic_level", flat=True)
    sender_level = int(automatic.first() or Level.SUMMARY)
    levels = {min(int(g.max_level), sender_level) for g in grants}
    have = set(
        ChannelKey.objects.filter(
            agreement_id=agreement_id, sender_id=sender_id, recipient__isnull=True, level__in=levels, **_SPEAKER_CHANNEL
        ).values_list("level", flat=True)
    )
    return not levels <= have


def network_membership_changed(*, network_id: int, member_id: int, at: dt.datetime | None = None) -> KeyChanges:
    """Re-decide every channel between a network and one organisation, after it joined or left.

    Call inside the transaction that created or deleted the `member_of` link (networks.services),
    so a member that leaves loses its keys in the same commit as its membership. Each agreement
    binding both is taken for update in id order (as the lifecycle services take it), then
    `agreement_keys_sync` asks the policy about every channel of it. Returns what changed.
    """
    changes = KeyChanges()
    both = (
        Agreement.objects.filter(versions__parties__organisation_id=network_id)
        .filter(versions__parties__organisation_id=member_id)
        .values_list("pk", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for agreement_id in (
            Agreement.objects.select_for_update(no_key=True)
            .filter(pk__in=list(both))
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            changes.add(agreement_keys_sync(agreement_id, at=at))
    return changes
