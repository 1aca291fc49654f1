"""The one sharing policy: may organisation B receive record kind K at level L from A, for purpose P, at T?

Everything that moves a record across an organisation boundary asks this module and nothing
else decides. Three entry points:

* `can_receive(terms, ...)` — pure: decides over already-loaded `FlowTerms`; no database.
* `access_receive(...)` — loads the relevant terms with one indexed query (a server-side prepared
  statement, `core.prepared`: planned once per connection), asks `can_receive`,
  and returns the allowing `Decision` or raises `SharingDenied`. Callers that seal, unseal,
  search or serve the API use this one.
* `recipients_for(...)` — every organisation that may receive a record from a source, each
  with the agreement, version and highest level that allows it (one query).

An agreement allows a flow only while it is *active*: the flow belongs to the version *in
force* (`is_current`: `Agreement.current_version`; a pending successor never allows anything
until every party has signed it and it takes over), every party has signed that version,
`valid_from <= at < valid_until` (from 00:00 on the start date to the end of the expiry date,
Europe/London, see `core.dates`; expiry takes effect on its own: it is computed from dates at
decision time, not by a job), it is not suspended, and any notice to terminate has not yet run
out. A `referral` at `full` (it identifies a person: special category or criminal offence data)
is allowed only when the version in force records its Art. 9 or Art. 10 condition
(`FlowTerms.special_condition`, from `special_category_condition` / `criminal_offence_condition`);
otherwise it is denied with `NO_ART9_CONDITION`, a permanent denial that withholds keys.
Validation already refuses such a version; the policy holds the line for any row that lacks it.

A network's own records of the network kinds (`network_figures`, `risk_summary`) go only to its
members and convenors *now*: a flow whose sender is a network or group is denied with
`NOT_A_MEMBER` when the recipient has no `member_of` link to it (and is not a convenor it is
`convened_by`). The other way round too: a network opens a member's records of those kinds (its
figures, its risk summary) only while that organisation is its member or convenor. The link is
read with the terms (`FlowTerms.recipient_in_network`, one EXISTS in the same query), so a member
that leaves loses access at once and, being a permanent denial, the keys on both sides:
`networks.services.membership_end` calls `sharing.revocation.network_membership_changed` in the
transaction that deletes the link. What the member contributed stays with the network for past
periods as the figures the network already brought into its own schema (`figures.Contribution`,
issue 11 "Bad input"), not as a key to the leaver's channel.

When several agreements allow the same flow the choice is deterministic: the highest
`max_level`, then the access that ends earliest, then the lowest agreement id and version id.

A denial's reason is the furthest check any matching agreement passed (see `_CHECKS`), so the
audit log says "purpose not covered" rather than "no agreement" when an agreement exists.
`SharingDenied`'s message never names the agreement or the other organisation: denied and
missing look the same from outside; log `exc.reason` instead.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from agreements.models import AgreementFlow, Level, Purpose, RecordKind
from core.prepared import fetch_prepared
from tenants.models import LinkKind, Organisation, OrganisationKind, OrganisationLink

__all__ = [
    "AllowReason",
    "Decision",
    "DenyReason",
    "KEYS_WITHHELD",
    "PERMANENT_DENIALS",
    "FlowTerms",
    "Grant",
    "Level",
    "Purpose",
    "RecordKind",
    "SharingDenied",
    "access_receive",
    "can_receive",
    "is_permanent",
    "load_terms",
    "load_terms_for_recipient",
    "recipients_for",
    "terms_from_rows",
    "terms_sql",
    "withholds_keys",
]


class AllowReason(enum.Enum):
    ACTIVE_AGREEMENT = "active_agreement"


class DenyReason(enum.Enum):
    """Why a flow is denied, from "nothing at all" to "nearly allowed"."""

    NO_AGREEMENT = "no_agreement"
    SUPERSEDED = "superseded_version"  # not the version in force: superseded, or a pending successor
    NOT_SIGNED = "not_signed_by_every_party"
    TERMINATED = "terminated"
    SUSPENDED = "suspended"
    NOT_STARTED = "not_yet_started"
    EXPIRED = "expired"
    PURPOSE_NOT_COVERED = "purpose_not_covered"
    LEVEL_TOO_HIGH = "level_too_high"
    # A `referral` at `full` identifies a person: special category (Art. 9) or criminal offence
    # (Art. 10) data. The version in force must record the condition relied on. Permanent: only a
    # new signed version that records one can allow the flow.
    NO_ART9_CONDITION = "no_art9_or_art10_condition"
    # A network's records of a network kind go only to its current members and convenors.
    # Permanent: only joining again (a new `member_of` link, a new grant) lifts it.
    NOT_A_MEMBER = "recipient_not_a_network_member"


# Denials that nothing lifts by itself: neither time passing, nor a signature still to come, nor
# lifting a suspension. Only a new signed version or a new agreement can allow the flow again, and
# that is a new grant. (With versioning, the in-force version stays current until its successor is
# signed by every party, so SUPERSEDED for a flow means "not in the version in force any more".)
PERMANENT_DENIALS: frozenset[DenyReason] = frozenset(
    {
        DenyReason.NO_AGREEMENT,
        DenyReason.SUPERSEDED,
        DenyReason.TERMINATED,
        DenyReason.EXPIRED,
        DenyReason.PURPOSE_NOT_COVERED,
        DenyReason.LEVEL_TOO_HIGH,
        DenyReason.NO_ART9_CONDITION,
        DenyReason.NOT_A_MEMBER,
    }
)

# Denials under which the recipient must hold no key to the flow: every permanent one, and
# suspension (suspensions usually follow a breach concern, so keys are dropped and the channel
# rotated at once, and granted again when the suspension is lifted). Keys are kept only while
# a version waits for signatures or has not started: the policy still denies every open then.
KEYS_WITHHELD: frozenset[DenyReason] = PERMANENT_DENIALS | {DenyReason.SUSPENDED}


def is_permanent(reason: AllowReason | DenyReason) -> bool:
    """True for a denial that will not lift by itself (see `PERMANENT_DENIALS`); False for an allow."""
    return reason in PERMANENT_DENIALS


def withholds_keys(reason: AllowReason | DenyReason) -> bool:
    """True when a recipient denied for `reason` must lose its wrapped keys (see `KEYS_WITHHELD`)."""
    return reason in KEYS_WITHHELD


@dataclass(frozen=True)
class FlowTerms:
    """One directed flow of one agreement version, with the state the decision needs."""

    agreement_id: int
    version_id: int
    sender_id: int
    recipient_id: int
    kind: str
    max_level: int
    purposes: frozenset[str]
    retention_days: int
    valid_from: datetime
    valid_until: datetime
    is_current: bool
    all_signed: bool
    suspended: bool
    terminates_at: datetime | None
    # The version records an Art. 9 or Art. 10 condition (needed for an identifying referral).
    special_condition: bool = False
    # False only for a record of a network kind between a network and an organisation that is not its
    # member or convenor now, either way round (see the module docstring).
    recipient_in_network: bool = True

    def access_ends_at(self) -> datetime:
        if self.terminates_at is not None and self.terminates_at < self.valid_until:
            return self.terminates_at
        return self.valid_until


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: AllowReason | DenyReason
    agreement_id: int | None = None
    agreement_version_id: int | None = None
    max_level: Level | None = None
    retention_days: int | None = None
    access_ends_at: datetime | None = None


@dataclass(frozen=True)
class Grant:
    recipient_id: int
    agreement_id: int
    agreement_version_id: int
    max_level: Level
    retention_days: int
    access_ends_at: datetime


class SharingDenied(Exception):  # noqa: N818 (a denial, not an error in the program)
    """Raised by `access_receive`. The message is the same for every reason, on purpose."""

    def __init__(self, reason: DenyReason) -> None:
        super().__init__("No active information-sharing agreement allows this.")
        self.reason = reason


# Checks in order; a denial reports the first failing check of the term that got furthest.
_Check = Callable[[FlowTerms, int, str, datetime], bool]
_CHECKS: list[tuple[DenyReason, _Check]] = [
    (DenyReason.SUPERSEDED, lambda t, level, purpose, at: t.is_current),
    (DenyReason.NOT_A_MEMBER, lambda t, level, purpose, at: t.recipient_in_network),
    (DenyReason.NOT_SIGNED, lambda t, level, purpose, at: t.all_signed),
    (DenyReason.TERMINATED, lambda t, level, purpose, at: t.terminates_at is None or at < t.terminates_at),
    (DenyReason.SUSPENDED, lambda t, level, purpose, at: not t.suspended),
    (DenyReason.NOT_STARTED, lambda t, level, purpose, at: t.valid_from <= at),
    (DenyReason.EXPIRED, lambda t, level, purpose, at: at < t.valid_until),
    (DenyReason.PURPOSE_NOT_COVERED, lambda t, level, purpose, at: purpose in t.purposes),
    (DenyReason.LEVEL_TOO_HIGH, lambda t, level, purpose, at: level <= t.max_level),
    (DenyReason.NO_ART9_CONDITION, lambda t, level, purpose, at: _condition_recorded(t, level)),
]


# The flow that identifies a person in a special category / criminal offence context.
_IDENTIFYING_KIND: str = str(RecordKind.REFERRAL)
_IDENTIFYING_LEVEL: Level = Level.from_code("full")


def _condition_recorded(terms: FlowTerms, level: int) -> bool:
    """An identifying referral (`referral` at `full`) needs the Art. 9/10 condition in the version's terms."""
    return terms.kind != _IDENTIFYING_KIND or level < _IDENTIFYING_LEVEL or terms.special_condition


def _first_failure(terms: FlowTerms, level: int, purpose: str, at: datetime) -> int | None:
    for index, (_, check) in enumerate(_CHECKS):
        if not check(terms, level, purpose, at):
            return index
    return None


def _preference(terms: FlowTerms) -> tuple[int, datetime, int, int]:
    return (-terms.max_level, terms.access_ends_at(), terms.agreement_id, terms.version_id)


def can_receive(
    terms: Iterable[FlowTerms],
    *,
    source_id: int,
    recipient_id: int,
    kind: str,
    level: int,
    purpose: str,
    at: datetime,
) -> Decision:
    """Decide over `terms` (any superset of the relevant flows; others are ignored). Pure.

    `at` must be timezone-aware. `level` is a `Level` (or its int value).
    """
    furthest = -1
    allowing: list[FlowTerms] = []
    for t in terms:
        if t.sender_id != source_id or t.recipient_id != recipient_id or t.kind != kind:
            continue
        failed = _first_failure(t, level, purpose, at)
        if failed is None:
            allowing.append(t)
        else:
            furthest = max(furthest, failed)
    if allowing:
        best = min(allowing, key=_preference)
        return Decision(
            allowed=True,
            reason=AllowReason.ACTIVE_AGREEMENT,
            agreement_id=best.agreement_id,
            agreement_version_id=best.version_id,
            max_level=Level(best.max_level),
            retention_days=best.retention_days,
            access_ends_at=best.access_ends_at(),
        )
    return Decision(allowed=False, reason=DenyReason.NO_AGREEMENT if furthest < 0 else _CHECKS[furthest][0])


_TERM_FIELDS = (
    "agreement_id",
    "version_id",
    "sender_id",
    "recipient_id",
    "kind",
    "max_level",
    "purposes",
    "retention_days",
    "valid_from",
    "valid_until",
    "is_current",
    "all_signed",
    "suspended",
    "terminates_at",
    "special_condition",
    "recipient_in_network",
)

# Kinds a network shares with its members only while they are members, and the kinds of
# organisation that have members.
NETWORK_KINDS: frozenset[str] = frozenset({str(RecordKind.NETWORK_FIGURES), str(RecordKind.RISK_SUMMARY)})
# Kinds a network opens from an organisation only while it is a member or convenor: the same kinds.
# What a member contributed stays with the network as the figures it already brought in
# (`figures.Contribution`, in its own schema), not as a key to the leaver's channel.
MEMBER_KINDS: frozenset[str] = NETWORK_KINDS
_CONVENING = (str(OrganisationKind.NETWORK), str(OrganisationKind.PREVENT_GROUP))


def _with_membership(rows: QuerySet[AgreementFlow]) -> QuerySet[AgreementFlow]:
    """Annotate `recipient_in_network` (see the module docstring) in the same query as the terms.

    The ORM form of `TERMS_SQL`'s membership column; kept for callers that compose querysets and as
    the reference the prepared statement is tested against (tests/agreements/test_policy_prepared.py).
    """
    links = OrganisationLink.objects
    # The recipient is the sending network's member, or the sending network is convened by it.
    to_member = links.filter(
        Q(source_id=OuterRef("recipient_id"), target_id=OuterRef("sender_id"), kind=LinkKind.MEMBER_OF)
        | Q(source_id=OuterRef("sender_id"), target_id=OuterRef("recipient_id"), kind=LinkKind.CONVENED_BY)
    )
    # The sender is the receiving network's member, or the receiving network is convened by it.
    from_member = links.filter(
        Q(source_id=OuterRef("sender_id"), target_id=OuterRef("recipient_id"), kind=LinkKind.MEMBER_OF)
        | Q(source_id=OuterRef("recipient_id"), target_id=OuterRef("sender_id"), kind=LinkKind.CONVENED_BY)
    )
    from_network = Q(kind__in=NETWORK_KINDS, sender__kind__in=_CONVENING)
    to_network = Q(kind__in=MEMBER_KINDS, recipient__kind__in=_CONVENING)
    return rows.annotate(
        recipient_in_network=Case(
            When(from_network & to_network & Exists(to_member) & Exists(from_member), then=Value(True)),
            When(from_network & to_network, then=Value(False)),  # between two networks: both ties
            When(from_network, then=Exists(to_member)),
            When(to_network, then=Exists(from_member)),
            default=Value(True),
            output_field=BooleanField(),
        )
    )


def _sql_list(values: Iterable[str]) -> str:
    # Our own enum values (letters and underscores), never input: checked, then inlined so the
    # planner sees constants.
    checked = sorted(values)
    assert all(v.replace("_", "").isalnum() for v in checked), checked
    return ", ".join(f"'{v}'" for v in checked)


def _link_exists(links: str, *, member: str, network: str) -> str:
    """SQL: `member` is a member of `network`, or `network` is convened by `member` (column expressions)."""
    member_of, convened_by = _sql_list([str(LinkKind.MEMBER_OF)]), _sql_list([str(LinkKind.CONVENED_BY)])
    return (
        f"EXISTS (SELECT 1 FROM {links} l WHERE (l.kind = {member_of} AND l.source_id = {member} "  # noqa: S608 (constants only)
        f"AND l.target_id = {network}) OR (l.kind = {convened_by} AND l.source_id = {network} "
        f"AND l.target_id = {member}))"
    )


def _terms_sql(where: str) -> str:
    """The terms query with `where` over `f` (agreement flows); same semantics as `_with_membership`."""
    public = connection.ops.quote_name(getattr(settings, "PUBLIC_SCHEMA_NAME", "public"))
    links = f"{public}.{OrganisationLink._meta.db_table}"
    to_member = _link_exists(links, member="f.recipient_id", network="f.sender_id")
    from_member = _link_exists(links, member="f.sender_id", network="f.recipient_id")
    from_network = f"(f.kind IN ({_sql_list(NETWORK_KINDS)}) AND s.kind IN ({_sql_list(_CONVENING)}))"
    to_network = f"(f.kind IN ({_sql_list(MEMBER_KINDS)}) AND r.kind IN ({_sql_list(_CONVENING)}))"
    columns = ", ".join(f"f.{name}" for name in _TERM_FIELDS[:-1])
    return (
        f"SELECT {columns}, CASE WHEN {from_network} AND {to_network} THEN {to_member} AND {from_member} "  # noqa: S608 (constants only)
        f"WHEN {from_network} THEN {to_member} WHEN {to_network} THEN {from_member} ELSE TRUE END "
        f"FROM {public}.{AgreementFlow._meta.db_table} f "
        f"JOIN {public}.{Organisation._meta.db_table} s ON s.id = f.sender_id "
        f"JOIN {public}.{Organisation._meta.db_table} r ON r.id = f.recipient_id "
        f"WHERE {where}"
    )


def terms_sql() -> dict[str, str]:
    """The policy's terms statements, for callers that fold them into a bigger query (the search).

    `{"pair": ...}` takes (sender id, kind, recipient id); `{"from": ...}` (sender id, kind);
    `{"to": ...}` (array of sender ids, kind, recipient id). Each selects the `FlowTerms` columns in
    `FlowTerms` field order (rows for `terms_from_rows`); psycopg `%s` placeholders; tables qualified
    with the public schema, so they do not depend on `search_path`.
    """
    if not _SQL:
        _SQL["pair"] = _terms_sql("f.sender_id = %s::bigint AND f.kind = %s::text AND f.recipient_id = %s::bigint")
        _SQL["from"] = _terms_sql("f.sender_id = %s::bigint AND f.kind = %s::text")
        _SQL["to"] = _terms_sql("f.sender_id = ANY(%s::bigint[]) AND f.kind = %s::text AND f.recipient_id = %s::bigint")
    return dict(_SQL)


_SQL: dict[str, str] = {}


def terms_from_rows(rows: Iterable[Sequence[Any]]) -> list[FlowTerms]:
    """`FlowTerms` from rows whose columns are `FlowTerms`' fields in order (as `terms_sql()` selects)."""
    return [_terms_from_row(row) for row in rows]


def _terms_from_row(row: Sequence[Any]) -> FlowTerms:
    values: dict[str, Any] = dict(zip(_TERM_FIELDS, row, strict=True))
    values["purposes"] = frozenset(values["purposes"])
    return FlowTerms(**values)


def load_terms(*, source_id: int, kind: str, recipient_id: int | None = None) -> list[FlowTerms]:
    """The flows from `source_id` of `kind` (to `recipient_id` if given): one prepared statement on the lookup index."""
    if recipient_id is None:
        return terms_from_rows(fetch_prepared(terms_sql()["from"], [source_id, str(kind)]))
    return terms_from_rows(fetch_prepared(terms_sql()["pair"], [source_id, str(kind), recipient_id]))


def load_terms_for_recipient(*, recipient_id: int, kind: str, source_ids: Iterable[int]) -> dict[int, list[FlowTerms]]:
    """The flows of `kind` to `recipient_id` from each of `source_ids`, grouped by source: one prepared statement."""
    by_source: dict[int, list[FlowTerms]] = {}
    rows = fetch_prepared(terms_sql()["to"], [list(source_ids), str(kind), recipient_id])
    for terms in terms_from_rows(rows):
        by_source.setdefault(terms.sender_id, []).append(terms)
    return by_source


def access_receive(
    *,
    source_id: int,
    recipient_id: int,
    kind: str,
    level: int,
    purpose: str,
    at: datetime | None = None,
) -> Decision:
    """The allowing decision for this flow now (or at `at`), or `SharingDenied` with the reason."""
    decision = can_receive(
        load_terms(source_id=source_id, kind=kind, recipient_id=recipient_id),
        source_id=source_id,
        recipient_id=recipient_id,
        kind=kind,
        level=level,
        purpose=purpose,
        at=at or timezone.now(),
    )
    if not decision.allowed:
        assert isinstance(decision.reason, DenyReason)
        raise SharingDenied(decision.reason)
    return decision


def recipients_for(*, source_id: int, kind: str, level: int, purpose: str, at: datetime | None = None) -> list[Grant]:
    """Every organisation that may receive `kind` from `source_id` at `level` or more, ordered by id."""
    at = at or timezone.now()
    by_recipient: dict[int, list[FlowTerms]] = {}
    for t in load_terms(source_id=source_id, kind=kind):
        by_recipient.setdefault(t.recipient_id, []).append(t)
    grants = []
    for recipient_id in sorted(by_recipient):
        decision = can_receive(
            by_recipient[recipient_id],
            source_id=source_id,
            recipient_id=recipient_id,
            kind=kind,
            level=level,
            purpose=purpose,
            at=at,
        )
        if decision.allowed:
            grants.append(_grant(recipient_id, decision))
    return grants


def _grant(recipient_id: int, decision: Decision) -> Grant:
    assert decision.agreement_id is not None and decision.agreement_version_id is not None
    assert decision.max_level is not None and decision.retention_days is not None
    assert decision.access_ends_at is not None
    return Grant(
        recipient_id=recipient_id,
        agreement_id=decision.agreement_id,
        agreement_version_id=decision.agreement_version_id,
        max_level=decision.max_level,
        retention_days=decision.retention_days,
        access_ends_at=decision.access_ends_at,
    )
