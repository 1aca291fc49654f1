"""Re-index: recompute every current check's name tokens after the name rules change.

The exchange stores no names, so new tokens can only come from the sealed records. Each
check's source keeps an archive copy (a channel with no agreement, wrapped for the source's
own exchange key, see `services._archive_keys`); this module opens the summary envelope
through it, reads the speaker's name, and stores `services.name_digests` of it — exactly
what a new share of that name would store. Names are held in memory for one batch and never
logged, audited or returned.

Which checks need it: every stored token set carries the HMAC of `names.VERSION_TOKEN`, so
a current check without that digest was indexed by older rules (or never indexed).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from agreements.models import Level, RecordKind
from core import crypto
from core.audit import audit_record
from sharing.keys import blind_index_key, blind_tokens, channel_key_for_sender
from sharing.models import EnvelopeKey, NameToken, SharedCheck, envelope_identity, envelope_key_context
from sharing.names import NAMES_VERSION, VERSION_TOKEN
from sharing.services import name_digests

DEFAULT_BATCH_SIZE = 500


@dataclass
class ReindexReport:
    """Counts only (they go to the audit log and the console)."""

    names_version: int = NAMES_VERSION
    examined: int = 0
    reindexed: int = 0  # tokens replaced by the current rules' tokens
    unchanged: int = 0  # already had exactly the current tokens (only with `everything`)
    unsearchable: int = 0  # a name with no letters: only the version marker is stored
    unreadable: int = 0  # the archive copy did not open: tokens left as they were
    batches: int = 0


def _current_checks() -> QuerySet[SharedCheck]:
    return SharedCheck.objects.filter(
        kind=RecordKind.SPEAKER_CHECK, is_current=True, withdrawn_at__isnull=True, destroyed_at__isnull=True
    )


def checks_needing_reindex(marker: str | None = None) -> QuerySet[SharedCheck]:
    """Current checks whose tokens lack the current version's marker digest."""
    marker = marker or blind_tokens([VERSION_TOKEN])[0]
    has_marker = NameToken.objects.filter(check_row=OuterRef("pk"), digest=marker)
    return _current_checks().filter(~Exists(has_marker))


def _speaker_names(checks: list[SharedCheck]) -> dict[int, str | None]:
    """Each check's speaker name from its source's archive copy; None where it does not open."""
    keys = {
        key.envelope.check_row_id: key
        for key in EnvelopeKey.objects.filter(
            envelope__check_row__in=checks,
            envelope__level=Level.SUMMARY,
            channel__agreement__isnull=True,
            channel__recipient__isnull=True,
        ).select_related("envelope", "channel__sender_key")
    }
    secrets: dict[int, bytes] = {}
    names: dict[int, str | None] = {}
    for check in checks:
        key = keys.get(check.pk)
        names[check.pk] = None
        if key is None or key.channel.sender_id != check.source_id:
            continue
        try:
            if key.channel_id not in secrets:
                secrets[key.channel_id] = channel_key_for_sender(key.channel)
            data_key = crypto.open_sealed(
                secrets[key.channel_id],
                bytes(key.wrapped_data_key),
                associated_data=envelope_key_context(key.envelope_id, key.channel_id),
            )
            record = json.loads(
                crypto.open_sealed(
                    data_key, bytes(key.envelope.sealed), associated_data=envelope_identity(check, Level.SUMMARY)
                )
            )
            names[check.pk] = str(record.get("speaker_name", ""))
        except (crypto.CryptoError, ValueError, KeyError):
            continue
    return names


def _existing(checks: Iterable[SharedCheck]) -> dict[int, set[str]]:
    have: dict[int, set[str]] = defaultdict(set)
    for check_id, digest in NameToken.objects.filter(check_row__in=list(checks)).values_list("check_row_id", "digest"):
        have[check_id].add(digest)
    return have


def _reindex_batch(checks: list[SharedCheck], key: bytes, marker: str, report: ReindexReport) -> None:
    """Replace the tokens of `checks` (locked by the caller's transaction) where they differ."""
    names = _speaker_names(checks)
    have = _existing(checks)
    replace: dict[int, list[str]] = {}
    for check in checks:
        report.examined += 1
        name = names[check.pk]
        if name is None:
            report.unreadable += 1
            continue
        digests = name_digests({"speaker_name": name}, key=key)
        if not digests:
            report.unsearchable += 1
            digests = [marker]
        if set(digests) == have.get(check.pk, set()):
            report.unchanged += 1
            continue
        replace[check.pk] = digests
        report.reindexed += 1
    NameToken.objects.filter(check_row_id__in=list(replace)).delete()
    NameToken.objects.bulk_create(
        NameToken(check_row_id=check_id, digest=digest) for check_id, digests in replace.items() for digest in digests
    )


def name_index_rebuild(
    *,
    actor: object = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    everything: bool = False,
    progress: Callable[[ReindexReport], None] | None = None,
) -> ReindexReport:
    """Recompute the name tokens of every current check still on older rules (all current
    checks with `everything`), `batch_size` checks per transaction, in id order.

    Each batch is all-or-nothing: its checks are locked, their tokens replaced and one audit
    event (`exchange.reindex`, counts only) written in one transaction, so an error leaves
    earlier batches done and that batch untouched. Safe to rerun: a second run finds nothing
    to do. Checks whose archive copy does not open keep their tokens and are counted as
    unreadable (and are examined again on the next run). `progress` is called after each batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    key = blind_index_key()
    marker = blind_tokens([VERSION_TOKEN], key=key)[0]
    pending = _current_checks() if everything else checks_needing_reindex(marker)
    report = ReindexReport()
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(pending.filter(pk__gt=last_id).order_by("pk").select_for_update(no_key=True)[:batch_size])
            if not batch:
                break
            before = asdict(report)
            _reindex_batch(batch, key, marker, report)
            report.batches += 1
            audit_record(
                action="exchange.reindex",
                actor=actor,
                target_type="sharing.sharedcheck",
                target_id="batch",
                detail={k: v - before[k] for k, v in asdict(report).items() if k not in ("names_version", "batches")}
                | {"names_version": NAMES_VERSION, "batch": report.batches},
            )
        last_id = batch[-1].pk
        if progress is not None:
            progress(report)
    return report
