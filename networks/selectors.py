"""Reads for networks: who belongs to a network (public `member_of` links), and the network's own records.

The membership selectors read only public-schema rows (`tenants.OrganisationLink`, `Membership`), so
any app may call them from any host. The meeting/action/paper selectors read the *current* schema:
call them only on the network's own host (a view there, or inside `tenant_context(network)`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import today
from networks.models import ACTION_SEARCH, MEETING_SEARCH, SEARCH_CONFIG, Action, ActionStatus, Meeting
from tenants.models import LinkKind, Organisation, User


def member_organisations(network: Organisation) -> QuerySet[Organisation]:
    """The organisations with a current `member_of` link to `network`, by name.

    A member that left (or was removed) has no link any more, so it is not here from that moment.
    """
    return Organisation.objects.filter(links_out__target=network, links_out__kind=LinkKind.MEMBER_OF).order_by("name")


def represented_organisations(network: Organisation, user: User | None) -> list[Organisation]:
    """The member organisations of `network` that `user` also belongs to: whom they speak for in it.

    One login (DESIGN.md): a member's people take part as members of the network organisation, and
    speak for the member organisations they also hold a membership of. Empty for an anonymous or
    inactive person.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return list(member_organisations(network).filter(memberships__user=user).distinct())


def networks_of(organisation: Organisation) -> QuerySet[Organisation]:
    """The networks and groups `organisation` is a member of now, by name."""
    return Organisation.objects.filter(links_in__source=organisation, links_in__kind=LinkKind.MEMBER_OF).order_by(
        "name"
    )


def convenors_of(network: Organisation) -> QuerySet[Organisation]:
    """The organisations that convene `network` (its `convened_by` links)."""
    return Organisation.objects.filter(links_in__source=network, links_in__kind=LinkKind.CONVENED_BY).order_by("name")


# --- The network's own records (current schema: call on the network's host only) -------------


def meeting_get(pk: int) -> Meeting:
    """One meeting of this network; Http404 when there is none with that id here."""
    return get_object_or_404(Meeting, pk=pk)


def meetings_upcoming(now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings that have not started yet, soonest first."""
    return Meeting.objects.filter(starts_at__gte=now or timezone.now()).order_by("starts_at", "pk")


def meetings_past(now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Meetings that have started, latest first."""
    return Meeting.objects.filter(starts_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")


def actions_of(owner: Organisation | None = None, *, status: str | None = None) -> QuerySet[Action]:
    """Actions (optionally those owned by `owner`, or in one status), by due date."""
    actions = Action.objects.select_related("meeting").order_by("due_on", "pk")
    if owner is not None:
        actions = actions.filter(owner_organisation_id=owner.pk)
    if status is not None:
        actions = actions.filter(status=status)
    return actions


def overdue_actions(on: dt.date | None = None) -> QuerySet[Action]:
    """Open actions whose due date is before `on` (default today, Europe/London)."""
    return actions_of(status=ActionStatus.OPEN).filter(due_on__lt=on or today())


@dataclass(frozen=True)
class OwnerCount:
    organisation: str
    overdue: int
    open: int
    is_member: bool


def overdue_by_owner(network: Organisation, on: dt.date | None = None) -> list[OwnerCount]:
    """Open and overdue actions per owner organisation (members now, then former members with open actions).

    Counts of this network's own records; owners' names come from the public organisation rows.
    """
    on = on or today()
    counts = (
        Action.objects.filter(status=ActionStatus.OPEN)
        .values("owner_organisation_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=on)))
    )
    by_owner = {row["owner_organisation_id"]: row for row in counts}
    members = list(member_organisations(network))
    member_ids = {m.pk for m in members}
    former = Organisation.objects.filter(pk__in=set(by_owner) - member_ids).order_by("name")
    rows = []
    for organisation in [*members, *former]:
        row = by_owner.get(organisation.pk, {"open": 0, "overdue": 0})
        rows.append(OwnerCount(organisation.name, row["overdue"], row["open"], organisation.pk in member_ids))
    return rows


@dataclass
class SearchResults:
    query: str
    meetings: list[Meeting]
    actions: list[Action]

    @property
    def count(self) -> int:
        return len(self.meetings) + len(self.actions)


def search(query: str, *, limit: int = 50) -> SearchResults:
    """Past meetings (title, place, minutes) and actions (description, progress note) matching `query`.

    PostgreSQL full-text search (`websearch_to_tsquery`, English stemming: "referral" finds
    "referrals"), over the same expressions the GIN indexes cover; best match first. Upcoming
    meetings are listed on their own page, so only meetings that have started are searched.
    An empty query finds nothing.
    """
    query = (query or "").strip()[:200]
    if not query:
        return SearchResults(query, [], [])
    terms = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    meetings = (
        Meeting.objects.annotate(search=MEETING_SEARCH)
        .filter(search=terms, starts_at__lt=timezone.now())
        .annotate(rank=SearchRank(MEETING_SEARCH, terms))
        .order_by("-rank", "-starts_at")[:limit]
    )
    actions = (
        Action.objects.annotate(search=ACTION_SEARCH)
        .filter(search=terms)
        .select_related("meeting")
        .annotate(rank=SearchRank(ACTION_SEARCH, terms))
        .order_by("-rank", "due_on")[:limit]
    )
    return SearchResults(query, list(meetings), list(actions))


def organisation_names(ids: set[int]) -> dict[int, str]:
    """Names of organisations by id (public rows), for owner columns."""
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
