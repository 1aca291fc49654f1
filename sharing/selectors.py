"""Reads from the exchange: search by name, open one check, the source's own view.

Every open asks the policy (through `can_receive` over the reader's loaded terms, for the
agreement of the key it would use) and writes an audit event and an opening record.
Checks the reader may not see are skipped silently: a search never reveals that a name
was assessed by an organisation the reader cannot see.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import dateformat, timezone

from agreements.models import Level
from agreements.policy import FlowTerms, can_receive, load_terms
from core import crypto
from core.audit import audit_record_many
from core.dates import london_date
from sharing.joint_read import BY_DIGESTS, BY_ID, BY_IDS, JointRead, KeyRow, joint_read
from sharing.keys import blind_tokens, channel_key_for_recipient, index_keys, own_exchange_private
from sharing.models import (
    ChannelGrant,
    ChannelKey,
    CheckOpened,
    DetailRequest,
    EnvelopeKey,
    SharedCheck,
    channel_context,
    envelope_identity,
    envelope_key_context,
)
from sharing.names import NameQueryError, query_tokens
from sharing.services import KIND, PURPOSE, allowed_under_agreement
from tenants.keys import private_key
from tenants.models import KeyPurpose, Organisation, OrganisationKey, User
from tenants.scopes import Scope, has_scope

INTEGRITY_FAILURE = (
    "This shared check failed its integrity check, so it is not shown. The failure has been recorded; "
    "the organisation that shared it can share it again."
)


OUTCOME_LABELS = {
    "approved": "Approved",
    "approved_with_mitigations": "Approved with mitigations",
    "rejected": "Rejected",
}


@dataclass
class CheckView:
    check_id: int
    source_id: int
    source_name: str
    version: int
    level: int
    agreement_id: int | None
    agreement_title: str
    content: dict[str, Any] = field(default_factory=dict)
    error: str = ""

    @property
    def is_own(self) -> bool:
        return self.agreement_id is None and not self.error

    @property
    def level_code(self) -> str:
        return Level(self.level).code

    @property
    def outcome_label(self) -> str:
        outcome = str(self.content.get("outcome", ""))
        return OUTCOME_LABELS.get(outcome, outcome.replace("_", " ").capitalize())

    @property
    def format_label(self) -> str:
        return str(self.content.get("event_format", "")).replace("_", " ")

    @property
    def expires_day(self) -> str:
        """ "29 Nov 2027": the content's inclusive last day, shown after "Expires" on every page."""
        try:
            return day_label(dt.date.fromisoformat(str(self.content.get("expires_on", ""))))
        except ValueError:
            return ""


def expiry_label(day: dt.date) -> str:
    """ "Expires 29 Nov 2027" for an inclusive last day (the one expiry format of the exchange's pages)."""
    return f"Expires {day_label(day)}"


def day_label(day: dt.date) -> str:
    """ "29 Nov 2027"."""
    return dateformat.format(day, "j M Y")


def last_day(until: dt.datetime) -> dt.date:
    """The last London day before an exclusive bound (`expires_at` is 00:00 London the next day)."""
    return london_date(until - dt.timedelta(microseconds=1))


def speaker_check_search(
    *, organisation: Organisation, user: User | None, name: str, at: dt.datetime | None = None
) -> list[CheckView]:
    """Every current shared check of a speaker that `organisation` may read, newest decision first.

    Reads with one statement (`sharing.joint_read`) whatever matched, plus the reader's right to
    its own archive; writes the openings and audit events in one transaction. Raises
    ValidationError for a name with nothing to search by.
    """
    try:
        tokens = query_tokens(name)
    except NameQueryError as exc:
        raise ValidationError({"name": str(exc)}) from exc
    at = at or timezone.now()
    read, digests = _read_by_name(organisation, tokens, at)
    # The search itself is an audit event: blind tokens (keyed HMACs) and the result count, never the name.
    search_event = {"action": "exchange.search", "actor": user, "organisation_id": organisation.pk}
    views = _open_read(organisation, user, read, at, search_event=search_event, digests=digests)
    return sorted(views, key=lambda v: (v.content.get("decided_on", ""), v.check_id), reverse=True)


def _read_by_name(organisation: Organisation, tokens: Iterable[str], at: dt.datetime) -> tuple[JointRead, list[str]]:
    """The joint read for a name's blind tokens, under the cached blind-index key.

    The statement reports the key's identity; when it is not the cached one (the key rotated
    or was rewrapped since), the cache is dropped and the read runs again with the key as it is now.
    """
    tokens = list(tokens)
    for _ in range(2):
        cached = index_keys.get()
        digests = blind_tokens(tokens, key=cached.key)
        read = joint_read(where=BY_DIGESTS, reader_id=organisation.pk, kind=KIND, at=at, params={"digests": digests})
        if index_keys.confirm(cached, read.index_key_identity):
            break
    return read, digests


_BIGINT_MAX = 2**63 - 1


def check_open(*, organisation: Organisation, user: User | None, check_id: int) -> CheckView:
    """One check, as `organisation` may read it; Http404 alike for missing, withdrawn, expired and not allowed."""
    at = timezone.now()
    # Speaker checks are the rows sealed for every reader (no single recipient); records of other
    # kinds (`sharing.records`) always name theirs, so they never open here. Not a kind filter:
    # a row whose kind was edited must still open, and fail its integrity check, visibly.
    # An id beyond bigint names no row: look for none (id 0) rather than overflow the cast, same statements.
    row_id = check_id if 0 < check_id <= _BIGINT_MAX else 0
    read = joint_read(where=BY_ID, reader_id=organisation.pk, kind=KIND, at=at, params={"check_id": row_id})
    views = _open_read(organisation, user, read, at, missing_id=None if read.checks else check_id)
    if not views:
        raise Http404("No such shared check.")
    return views[0]


def _open_all(
    organisation: Organisation, user: User | None, checks: list[SharedCheck], at: dt.datetime
) -> list[CheckView]:
    """Open what `organisation` may read of `checks` (already loaded, any state), as `_open_read` does."""
    read = joint_read(where=BY_IDS, reader_id=organisation.pk, kind=KIND, at=at, params={"ids": [c.pk for c in checks]})
    return _open_read(organisation, user, read, at)


def _open_read(
    organisation: Organisation,
    user: User | None,
    read: JointRead,
    at: dt.datetime,
    *,
    search_event: dict[str, Any] | None = None,
    digests: list[str] | None = None,
    missing_id: int | None = None,
) -> list[CheckView]:
    """Open what `organisation` may read of the checks in `read`, recording openings, denials and the search.

    Runs the same SQL statements whether nothing matched or only checks the reader may
    not see matched: the read is one statement whatever it returns, the own-archive right is
    asked every time, and the writes are the same events. Denials go to the platform's audit
    log (organisation id empty, so no organisation's own log reveals another's check) with the
    policy's reason code and ids only.
    """
    own_archive = _may_read_own_archive(organisation, user)
    keys, denials = _usable_keys(organisation, read, at, own_archive=own_archive)
    private_keys: dict[int, bytes] = {}
    channel_secrets: dict[int, bytes] = {}
    views, openings, events = [], [], []
    for check in read.checks:
        key = keys.get(check.pk)
        if key is None:
            continue  # not allowed (or no key any more): skipped, never announced
        view = _unseal_row(check, read.source_names[check.source_id], key, private_keys, channel_secrets)
        views.append(view)
        events.append(_event(organisation, user, check, view))
        if not view.error and check.source_id != organisation.pk:  # the source's own reads are audited only
            openings.append(
                CheckOpened(
                    check_row_id=check.pk,
                    reader_organisation_id=organisation.pk,
                    reader=user,
                    agreement_id=view.agreement_id,
                    level=view.level,
                )
            )
    if search_event is not None:
        events.extend(_search_events(organisation, user, search_event, digests or [], len(views), denials))
    else:
        events.extend(_denial_event(organisation, user, check, reason) for check, reason in denials)
    if missing_id is not None:
        events.append(_denial_event(organisation, user, None, "not_found", check_id=missing_id))
    with transaction.atomic():  # one commit for the opening records and their audit events
        CheckOpened.objects.bulk_create(openings)
        audit_record_many(events)
    return views


def _may_read_own_archive(organisation: Organisation, user: User | None) -> bool:
    """Whether `user` may read `organisation`'s own checks in full (its archive copy, rationale included).

    That is the 'exchange:read_shared' right (tenants.scopes), asked once per read whatever
    matched, so the answer costs the same statements for a hit and a miss. `user=None` is the
    system itself (commands, tasks, the service layer's own checks), which reads its archive.
    """
    return user is None or has_scope(user, organisation, Scope.EXCHANGE_READ_SHARED)


OWN_ARCHIVE_DENIED = "own_archive_needs_read_shared"


def _usable_keys(
    organisation: Organisation, read: JointRead, at: dt.datetime, *, own_archive: bool
) -> tuple[dict[int, KeyRow], list[tuple[SharedCheck, str]]]:
    """For each check, the highest-level key this organisation holds whose agreement the policy allows now.

    Returns the chosen keys by check id, and the checks refused with the reason code. The
    policy decides over the terms the joint read loaded (every flow of the kind from the
    candidates' sources to this organisation). The organisation's own checks skip the policy
    (it is their source) but are read only when `own_archive` is true: the reader holds
    'exchange:read_shared' (`_may_read_own_archive`). No statement of its own.
    """
    candidates, denials = set(), []
    for check in read.checks:
        if check.source_id == organisation.pk:
            reason = None if own_archive else OWN_ARCHIVE_DENIED
        else:
            reason = _summary_denial(organisation, check, read.terms, at)
        if reason is None:
            candidates.add(check.pk)
        else:
            denials.append((check, reason))
    by_id = {c.pk: c for c in read.checks}
    chosen: dict[int, KeyRow] = {}
    for key in read.keys:  # highest level first
        if key.check_id in candidates and key.check_id not in chosen:
            if _allowed(organisation, by_id[key.check_id], key, read.terms, at):
                chosen[key.check_id] = key
    denials.extend((c, "no_usable_key") for c in read.checks if c.pk in candidates and c.pk not in chosen)
    return chosen, denials


def _summary_denial(
    organisation: Organisation, check: SharedCheck, terms: dict[int, list[FlowTerms]], at: dt.datetime
) -> str | None:
    """None if the policy lets `organisation` read `check` at summary level now; else the reason code."""
    decision = can_receive(
        terms.get(check.source_id, []),
        source_id=check.source_id,
        recipient_id=organisation.pk,
        kind=KIND,
        level=Level.SUMMARY,
        purpose=PURPOSE,
        at=at,
    )
    return None if decision.allowed else str(decision.reason.value)


def _allowed(
    organisation: Organisation, check: SharedCheck, key: KeyRow, terms: dict[int, list[FlowTerms]], at: dt.datetime
) -> bool:
    """Whether the policy allows this key's own agreement, at this envelope's level, now."""
    if key.agreement_id is None:
        return check.source_id == organisation.pk  # the source's own archive
    if key.channel_recipient_id not in (None, organisation.pk):
        return False
    return allowed_under_agreement(
        terms.get(check.source_id, []),
        agreement_id=key.agreement_id,
        source_id=check.source_id,
        recipient_id=organisation.pk,
        level=key.level,
        at=at,
    )


def _unseal_row(
    check: SharedCheck,
    source_name: str,
    key: KeyRow,
    private_keys: dict[int, bytes],
    channel_secrets: dict[int, bytes],
) -> CheckView:
    """Open `check`'s envelope with `key`; a failure at any step is an integrity failure shown as such.

    `private_keys` and `channel_secrets` are this request's: each private key is unwrapped at
    most once per request, and dropped with it.
    """
    view = CheckView(
        check_id=check.pk,
        source_id=check.source_id,
        source_name=source_name,
        version=check.version,
        level=key.level,
        agreement_id=key.agreement_id,
        agreement_title=key.agreement_title if key.agreement_id else "shared by you",
    )
    try:
        if key.channel_id not in channel_secrets:
            if key.private_key_id not in private_keys:
                private_keys[key.private_key_id] = private_key(
                    OrganisationKey(
                        id=key.private_key_id,
                        organisation_id=key.private_key_organisation_id,
                        purpose=KeyPurpose.EXCHANGE,
                        master_key_id=key.master_key_id,
                        wrapped_private_key=key.wrapped_private_key,
                    )
                )
            channel = ChannelKey(id=key.channel_id, sender_id=key.sender_id, level=key.channel_level)
            channel_secrets[key.channel_id] = crypto.unwrap_key(
                private_keys[key.private_key_id], key.grant_wrapped, context=channel_context(channel)
            )
        data_key = crypto.open_sealed(
            channel_secrets[key.channel_id],
            key.wrapped_data_key,
            associated_data=envelope_key_context(key.envelope_id, key.channel_id),
        )
        plaintext = crypto.open_sealed(data_key, key.sealed, associated_data=envelope_identity(check, key.level))
        view.content = json.loads(plaintext)
    except (crypto.CryptoError, KeyError, ValueError):
        view.error = INTEGRITY_FAILURE
    return view


def _unseal(
    check: SharedCheck,
    chosen: tuple[EnvelopeKey, ChannelGrant],
    private_keys: dict[int, bytes],
    channel_secrets: dict[int, bytes],
) -> CheckView:
    key, grant = chosen
    view = CheckView(
        check_id=check.pk,
        source_id=check.source_id,
        source_name="",  # verification only (`_damaged_ids`): nothing of this view is shown
        version=check.version,
        level=key.envelope.level,
        agreement_id=key.channel.agreement_id,
        agreement_title="",
    )
    try:
        if grant.channel_id not in channel_secrets:
            channel_secrets[grant.channel_id] = channel_key_for_recipient(grant, private_keys[grant.recipient_key_id])
        data_key = crypto.open_sealed(
            channel_secrets[grant.channel_id],
            bytes(key.wrapped_data_key),
            associated_data=envelope_key_context(key.envelope_id, key.channel_id),
        )
        plaintext = crypto.open_sealed(
            data_key, bytes(key.envelope.sealed), associated_data=envelope_identity(check, key.envelope.level)
        )
        view.content = json.loads(plaintext)
    except (crypto.CryptoError, KeyError, ValueError):
        view.error = INTEGRITY_FAILURE
    return view


def _event(organisation: Organisation, user: User | None, check: SharedCheck, view: CheckView) -> dict[str, Any]:
    return {
        "action": "exchange.open_failed" if view.error else "exchange.open",
        "actor": user,
        "organisation_id": organisation.pk,
        "target": check,
        "detail": {"source": check.source_id, "agreement": view.agreement_id, "level": view.level},
    }


def _search_events(
    organisation: Organisation,
    user: User | None,
    search_event: dict[str, Any],
    digests: list[str],
    results: int,
    denials: list[tuple[SharedCheck, str]],
) -> list[dict[str, Any]]:
    """Two events for every search, whatever it matched, so a miss and a refused hit write alike.

    The reader's own log gets the search (blind tokens and the count shown, never the
    name); the platform's log gets what the policy refused, with its reasons (often none).
    """
    refused = [{"check": c.pk, "source": c.source_id, "reason": reason} for c, reason in denials]
    return [
        {**search_event, "detail": {"tokens": digests, "results": results}},
        {
            "action": "exchange.search_screened",
            "actor": user,
            "organisation_id": None,
            "detail": {"reader_organisation": organisation.pk, "refused": refused},
        },
    ]


def _denial_event(
    organisation: Organisation,
    user: User | None,
    check: SharedCheck | None,
    reason: str,
    *,
    check_id: int | None = None,
) -> dict[str, Any]:
    detail: dict[str, Any] = {"reader_organisation": organisation.pk, "reason": reason}
    if check is not None:
        detail["source"] = check.source_id
    return {
        "action": "exchange.open_denied",
        "actor": user,
        "organisation_id": None,
        "target_type": "sharing.sharedcheck",
        "target_id": check.pk if check is not None else check_id,
        "detail": detail,
    }


def shared_checks_of(organisation: Organisation) -> QuerySet[SharedCheck]:
    """The source's own register of what it shared, all versions, with how often each was opened."""
    from django.db.models import Count

    return (
        SharedCheck.objects.filter(source=organisation, kind=KIND)
        .select_related("source")
        .annotate(openings_count=Count("openings"))
        .order_by("source_ref", "-version")
    )


def check_openings(*, organisation: Organisation, check_id: int) -> QuerySet[CheckOpened]:
    """Who opened one of `organisation`'s checks, when, under which agreement (source only)."""
    return CheckOpened.objects.filter(
        check_row_id=check_id, check_row__source=organisation, check_row__kind=KIND
    ).select_related("reader_organisation", "reader", "agreement")


def detail_requests_incoming(organisation: Organisation) -> QuerySet[DetailRequest]:
    return DetailRequest.objects.filter(check_row__source=organisation, check_row__kind=KIND).select_related(
        "requester_organisation", "requester", "check_row"
    )


def detail_requests_outgoing(organisation: Organisation) -> QuerySet[DetailRequest]:
    return DetailRequest.objects.filter(requester_organisation=organisation, check_row__kind=KIND).select_related(
        "check_row__source"
    )


# --- The source's own register: what each shared check is, in human terms, and its true state ---

SHARED_SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "expiring": ("expires_at", "pk"),
    "most_opened": ("-openings_count", "-created_at", "-pk"),
}


class ShareState:
    ACTIVE = "active"
    AGREEMENT_ENDED = "agreement_ended"
    RETENTION_ENDED = "retention_ended"
    WITHDRAWN = "withdrawn"
    REPLACED = "replaced"
    LAPSED = "lapsed"
    DESTROYED = "destroyed"
    DAMAGED = "damaged"


DAMAGED_TEXT = "Damaged: cannot be opened by anyone — share it again from the request"


@dataclass
class SharedRow:
    """One row of "Checks we shared": the check, what it is about (from our own archive copy), its state."""

    check: SharedCheck
    view: CheckView | None
    state: str
    state_text: str
    agreements: list[str] = field(default_factory=list)
    event_title: str = ""

    @property
    def request_id(self) -> int | None:
        """The source's own request this check was shared from ("request:<id>/speaker:<n>"), if any."""
        match = _REQUEST_REF.match(self.check.source_ref)
        return int(match.group(1)) if match else None

    @property
    def expires_label(self) -> str:
        """ "Expires 29 Nov 2027", from the check's exclusive `expires_at` (the same day as its content's)."""
        return expiry_label(last_day(self.check.expires_at))

    @property
    def is_damaged(self) -> bool:
        return self.state == ShareState.DAMAGED

    @property
    def speaker_name(self) -> str:
        return str(self.view.content.get("speaker_name", "")) if self.view and not self.view.error else ""

    @property
    def event_text(self) -> str:
        if not self.view or self.view.error:
            return ""
        return f"{self.view.content.get('event_date', '')} · {self.view.format_label}"

    @property
    def outcome_label(self) -> str:
        return self.view.outcome_label if self.view and not self.view.error else ""


_REQUEST_REF = re.compile(r"request:(\d+)/")

# Providers of the source's own titles for its checks (the event's title never leaves the
# source; its own pages may show it). Registered by the app that owns the records (speakers),
# so the exchange does not import it: `provider(request_ids) -> {request_id: title}`.
_TITLE_PROVIDERS: list[Callable[[set[int]], dict[int, str]]] = []


def register_title_provider(provider: Callable[[set[int]], dict[int, str]]) -> None:
    """Let the app owning the shared records name them on the source's own pages (idempotent)."""
    if provider not in _TITLE_PROVIDERS:
        _TITLE_PROVIDERS.append(provider)


def _own_titles(organisation: Organisation, request_ids: set[int]) -> dict[int, str]:
    """Titles from the source's own schema; empty unless that schema is the one in use (its own host)."""
    if not request_ids or getattr(connection, "schema_name", None) != organisation.schema_name:
        return {}
    titles: dict[int, str] = {}
    for provider in _TITLE_PROVIDERS:
        titles.update(provider(request_ids))
    return titles


def shared_checks_sorted(organisation: Organisation, sort: str = "newest") -> QuerySet[SharedCheck]:
    """The source's register of everything it shared (all versions), in one of `SHARED_SORTS` orders."""
    return shared_checks_of(organisation).order_by(*SHARED_SORTS.get(sort, SHARED_SORTS["newest"]))


def shared_rows(
    *,
    organisation: Organisation,
    user: User | None,
    checks: Iterable[SharedCheck],
    at: dt.datetime | None = None,
    with_content: bool = True,
) -> list[SharedRow]:
    """Rows for one page of the register. The speaker and event come from our own archive copy.

    Opening the archive copy is an unseal like any other: it is audited, but it is not an
    opening another organisation made, so no opening is recorded. A check whose keys are
    gone (lapsed, destroyed) has no name any more: that is the point of crypto-shredding.
    With ``with_content=False`` (a reader holding `exchange:read_openings` only) nothing is
    unsealed: each row has ``view=None`` and its state from the records alone.
    """
    at = at or timezone.now()
    checks = list(checks)
    readable = [c for c in checks if c.destroyed_at is None] if with_content else []
    views = {v.check_id: v for v in _open_all(organisation, user, readable, at)} if readable else {}
    recipient_keys: dict[int, list[tuple[int, dt.datetime]]] = {}
    for check_id, agreement_id, expires_at in EnvelopeKey.objects.filter(
        envelope__check_row__in=checks, channel__agreement__isnull=False, channel__kind=KIND
    ).values_list("envelope__check_row_id", "channel__agreement_id", "expires_at"):
        recipient_keys.setdefault(check_id, []).append((agreement_id, expires_at))
    in_force = _agreements_in_force(organisation, at)
    refs = {pk: f"ISA-{pk}" for pk in {a for keys in recipient_keys.values() for a, _ in keys}}
    damaged = _damaged_ids(organisation, readable)
    rows = [
        _shared_row(
            check, views.get(check.pk), recipient_keys.get(check.pk, []), in_force, refs, at, check.pk in damaged
        )
        for check in checks
    ]
    if with_content:
        titles = _own_titles(organisation, {r.request_id for r in rows if r.request_id is not None})
        for r in rows:
            r.event_title = titles.get(r.request_id, "") if r.request_id is not None else ""
    return rows


def _damaged_ids(organisation: Organisation, checks: list[SharedCheck]) -> set[int]:
    """Checks of ours with an envelope (at any level) that no longer opens with our own archive key.

    Recipients open the same envelopes, so one that fails here fails for everyone: the summary
    a recipient reads may be damaged while our full copy still opens. Verification only: the
    register's own unseal (`_open_all`) is the audited read; nothing here is shown.
    """
    if not checks:
        return set()
    by_id = {c.pk: c for c in checks}
    keys = list(
        EnvelopeKey.objects.filter(
            envelope__check_row__in=list(by_id),
            channel__agreement__isnull=True,
            channel__grants__recipient=organisation,
        ).select_related("envelope", "channel")
    )
    grants = {
        g.channel_id: g
        for g in ChannelGrant.objects.filter(recipient=organisation, channel_id__in={k.channel_id for k in keys})
    }
    private_keys = own_exchange_private(organisation.pk) if keys else {}
    secrets: dict[int, bytes] = {}
    damaged = set()
    for key in keys:
        check = by_id[key.envelope.check_row_id]
        grant = grants.get(key.channel_id)
        if grant is None or _unseal(check, (key, grant), private_keys, secrets).error:
            damaged.add(check.pk)
    return damaged


def _agreements_in_force(organisation: Organisation, at: dt.datetime) -> set[int]:
    """Agreements under which, now, the policy lets at least one organisation receive our checks."""
    terms = load_terms(source_id=organisation.pk, kind=KIND)
    return {
        t.agreement_id
        for t in terms
        if allowed_under_agreement(
            terms,
            agreement_id=t.agreement_id,
            source_id=organisation.pk,
            recipient_id=t.recipient_id,
            level=Level.SUMMARY,
            at=at,
        )
    }


def _shared_row(
    check: SharedCheck,
    view: CheckView | None,
    keys: list[tuple[int, dt.datetime]],
    in_force: set[int],
    refs: dict[int, str],
    at: dt.datetime,
    damaged: bool = False,
) -> SharedRow:
    def row(state: str, text: str, agreements: Iterable[int] = ()) -> SharedRow:
        return SharedRow(check, view, state, text, sorted({refs[a] for a in agreements}))

    if check.destroyed_at:
        return row(ShareState.DESTROYED, "Destroyed: its retention period ended and its keys were destroyed")
    if check.withdrawn_at:
        return row(ShareState.WITHDRAWN, f"Withdrawn {_day(check.withdrawn_at)}: no other organisation can open it")
    if not check.is_current:
        return row(ShareState.REPLACED, "Replaced by a correction: recipients see the newer version")
    if check.expires_at <= at:
        return row(ShareState.LAPSED, f"Lapsed {_day(check.expires_at)}: the assessment expired; nobody can open it")
    if damaged or (view is not None and view.error):
        # An envelope failed its integrity check against our own archive key: what is stored no
        # longer matches what we sealed, so recipients (who open the same envelopes) cannot open it.
        return row(ShareState.DAMAGED, DAMAGED_TEXT)
    live = [(a, e) for a, e in keys if a in in_force and e > at]
    if live:
        until = min(check.expires_at, max(e for _, e in live))
        return row(
            ShareState.ACTIVE,
            f"Active: others can open it until {day_label(last_day(until))}",
            (a for a, _ in live),
        )
    if any(a in in_force for a, _ in keys):
        ended = max(e for _, e in keys)
        return row(
            ShareState.RETENTION_ENDED,
            f"Access ended {_day(ended)}: the recipients' retention period under the agreement is over",
            (a for a, _ in keys),
        )
    return row(
        ShareState.AGREEMENT_ENDED,
        "Access ended: the agreement it was shared under is no longer in force, so nobody else can open it",
        (a for a, _ in keys),
    )


def _day(moment: dt.datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j M Y")


def check_openings_grouped(*, organisation: Organisation, check_id: int) -> QuerySet[Any]:
    """Who opened one of `organisation`'s checks, one row per reader, agreement, level and day.

    Each row: `day`, `organisation_name`, `reader_name`, `agreement_id`, `agreement_title`,
    `level`, `times`, `first`, `last`; latest first. Thirty-nine reads by one person on one
    day are one row saying 39 times, not 39 identical rows.
    """
    from django.db.models import Count, F, Max, Min
    from django.db.models.functions import TruncDate

    return (
        CheckOpened.objects.filter(check_row_id=check_id, check_row__source=organisation, check_row__kind=KIND)
        .annotate(
            day=TruncDate("opened_at"),
            organisation_name=F("reader_organisation__name"),
            reader_name=F("reader__full_name"),
            agreement_title=F("agreement__title"),
        )
        .values("day", "organisation_name", "reader_name", "agreement_id", "agreement_title", "level")
        .annotate(times=Count("id"), first=Min("opened_at"), last=Max("opened_at"))
        .order_by("-last", "organisation_name")
    )


def shared_checks_active_count(organisation: Organisation, at: dt.datetime | None = None) -> int:
    """How many of our checks another organisation can open now (the "Active" state of the register)."""
    at = at or timezone.now()
    in_force = _agreements_in_force(organisation, at)
    return (
        SharedCheck.objects.filter(
            source=organisation,
            kind=KIND,
            is_current=True,
            withdrawn_at__isnull=True,
            destroyed_at__isnull=True,
            expires_at__gt=at,
            # one filter() call: the same key must be under an agreement in force and unexpired
            envelopes__keys__channel__agreement_id__in=in_force,
            envelopes__keys__expires_at__gt=at,
        )
        .distinct()
        .count()
    )
