"""Telling a recipient when a check just shared with it matches one of its open speaker requests.

The match is the exchange search's own: the blind tokens stored for the check (HMACs of its
speaker's name, `services.name_digests`) meet the blind *query* tokens of the speakers on the
recipient's open requests (`sharing.names.query_tokens`), exactly as if the recipient had
searched each of those names. Nothing is decrypted: the recipient's speaker names are read in
its own schema and turned into tokens there, and only recipients the policy has just named for
the check (the share's grants) are asked. The source learns nothing about any match.

Apps holding requests register a finder (`register_match_finder`; speakers does in its
`ready`), so the exchange does not import them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django_tenants.utils import schema_context

from sharing.models import NameToken, SharedCheck
from tenants.models import Organisation
from tenants.scopes import Scope

MAX_SOURCE_NAME = 100


@dataclass
class Match:
    """One open request of the recipient that the checks `check_ids` match; `url` is its page there."""

    object_id: int
    url: str
    check_ids: set[int] = field(default_factory=set)


# finder({check_id: blind tokens}) -> matches, run inside the recipient's schema.
MatchFinder = Callable[[dict[int, frozenset[str]]], list[Match]]
_finders: list[MatchFinder] = []


def register_match_finder(finder: MatchFinder) -> MatchFinder:
    """Add a finder of open requests matching shared checks (called in the recipient's schema)."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def _text(source: Organisation, count: int) -> str:
    name = source.name if len(source.name) <= MAX_SOURCE_NAME else source.name[: MAX_SOURCE_NAME - 1] + "…"
    if count == 1:
        return f"{name} shared a speaker check that matches an open speaker request"
    return f"{name} shared {count} speaker checks that match an open speaker request"


def notify_matches(*, source: Organisation, recipient_ids: Iterable[int], checks: list[SharedCheck]) -> int:
    """Notify each recipient's exchange searchers of its open requests that `checks` match.

    Call inside the share's transaction, with the recipients the policy named for these checks:
    the notifications are stored (and sent after commit) with the share, or not at all. One
    notification per matching request, linking to the request's page; its text names the
    source organisation and how many checks, never the speaker. Returns how many were stored.
    """
    if not _finders or not checks:
        return 0
    digests: dict[int, set[str]] = defaultdict(set)
    for check_id, digest in NameToken.objects.filter(check_row__in=[c.pk for c in checks]).values_list(
        "check_row_id", "digest"
    ):
        digests[check_id].add(digest)
    if not digests:
        return 0
    frozen = {check_id: frozenset(found) for check_id, found in digests.items()}
    from notifications.kinds import Kind
    from notifications.services import notify

    stored = 0
    for recipient in Organisation.objects.filter(pk__in=set(recipient_ids)).exclude(pk=source.pk).order_by("pk"):
        with schema_context(recipient.schema_name):
            matches = [m for finder in _finders for m in finder(frozen)]
        for match in matches:
            stored += len(
                notify(
                    Kind.CHECK_MATCH,
                    organisation=recipient,
                    scope=Scope.EXCHANGE_SEARCH,
                    text=_text(source, len(match.check_ids)),
                    url=match.url,
                    object_id=match.object_id,
                    key=f"checks:{min(match.check_ids)}:request:{match.object_id}",
                )
            )
    return stored
