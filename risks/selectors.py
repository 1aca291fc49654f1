"""Reads of the risk register and action plan, from the current organisation's schema.

The figures here are the ones every surface shows: the register page, the heat map, the
dashboard panel, the exports and the summary shared with a network all call these, so they
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from agreements.models import Purpose, RecordKind
from core.dates import today as london_today
from risks.models import (
    CURRENT_STATUSES,
    SCALE,
    ActionStatus,
    Category,
    Rating,
    Risk,
    RiskAction,
    rating_for,
)
from sharing.records import RecordView, records_received
from tenants.models import LinkKind, Membership, Organisation, OrganisationLink, User


def risks_all() -> QuerySet[Risk]:
    return Risk.objects.select_related("owner")


def risk_get(risk_id: int) -> Risk:
    """The risk of this organisation with that id; Http404 otherwise (another schema's ids do not exist here)."""
    risk = risks_all().filter(pk=risk_id).first()
    if risk is None:
        raise Http404("Not found.")
    return risk


def actions_all() -> QuerySet[RiskAction]:
    return RiskAction.objects.select_related("owner", "risk")


def action_get(action_id: int) -> RiskAction:
    action = actions_all().filter(pk=action_id).first()
    if action is None:
        raise Http404("Not found.")
    return action


def current_risks() -> QuerySet[Risk]:
    """Open and accepted risks: the ones the heat map, the ratings and a shared summary count."""
    return risks_all().filter(status__in=CURRENT_STATUSES)


def owners(organisation: Organisation) -> QuerySet[User]:
    """People who may own a risk or an action: the organisation's members, by name."""
    return User.objects.filter(memberships__organisation=organisation).order_by("full_name", "email")


def member_networks(organisation: Organisation) -> QuerySet[Organisation]:
    """Networks and Silver groups `organisation` is a member of now (its current `member_of` links)."""
    ids = OrganisationLink.objects.filter(source=organisation, kind=LinkKind.MEMBER_OF).values("target_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def network_members(network: Organisation) -> QuerySet[Organisation]:
    """Current members of `network` (organisations with a `member_of` link to it)."""
    ids = OrganisationLink.objects.filter(target=network, kind=LinkKind.MEMBER_OF).values("source_id")
    return Organisation.objects.filter(pk__in=ids).order_by("name")


# --- the heat map and the figures ----------------------------------------------------------------


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    count: int
    rating: Rating

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass
class HeatMap:
    """Current risks counted by likelihood × impact. `rows` run from likelihood 5 down to 1 (as drawn)."""

    rows: list[list[HeatCell]] = field(default_factory=list)
    total: int = 0

    def count(self, likelihood: int, impact: int) -> int:
        return self.rows[5 - likelihood][impact - 1].count


def heat_map(risks: QuerySet[Risk] | None = None) -> HeatMap:
    """A 5 × 5 grid of how many current risks sit at each likelihood and impact (one query)."""
    counts: dict[tuple[int, int], int] = {}
    for likelihood, impact in (risks if risks is not None else current_risks()).values_list("likelihood", "impact"):
        counts[(likelihood, impact)] = counts.get((likelihood, impact), 0) + 1
    rows = [[HeatCell(lk, im, counts.get((lk, im), 0), rating_for(lk, im)) for im in SCALE] for lk in reversed(SCALE)]
    return HeatMap(rows=rows, total=sum(counts.values()))


@dataclass
class Overview:
    """The register's figures on a day: what the page, the panel, the exports and the summary show."""

    on: date
    current: int
    by_rating: dict[str, int]  # rating code -> current risks (every band, zeros included)
    by_category: dict[str, dict[str, int]]  # category code -> rating code -> current risks
    reviews_due: int  # current risks whose review date is today or earlier
    actions_open: int  # not done
    actions_overdue: int  # not done and due before today
    closed: int


def overview(on: date | None = None) -> Overview:
    """The figures of the register and the action plan on `on` (default today, Europe/London)."""
    on = on or london_today()
    by_rating = {r.value: 0 for r in Rating}
    by_category = {c.value: {r.value: 0 for r in Rating} for c in Category}
    reviews_due = 0
    current = 0
    for category, likelihood, impact, review_on in current_risks().values_list(
        "category", "likelihood", "impact", "review_on"
    ):
        band = rating_for(likelihood, impact).value
        by_rating[band] += 1
        by_category.setdefault(category, {r.value: 0 for r in Rating})[band] += 1
        reviews_due += review_on <= on
        current += 1
    open_actions = RiskAction.objects.exclude(status=ActionStatus.DONE)
    return Overview(
        on=on,
        current=current,
        by_rating=by_rating,
        by_category=by_category,
        reviews_due=reviews_due,
        actions_open=open_actions.count(),
        actions_overdue=open_actions.filter(due_on__lt=on).count(),
        closed=Risk.objects.exclude(status__in=CURRENT_STATUSES).count(),
    )


def summary_record(on: date | None = None) -> dict[str, Any]:
    """The minimised projection shared with a network: counts only, no free text, no names.

    Shape: {"version": 1, "as_of": "YYYY-MM-DD", "current": n, "by_rating": {rating: n},
    "by_category": {category: {rating: n}}, "reviews_due": n, "actions_open": n,
    "actions_overdue": n}. Counts of risks are not about people, so no small-number
    suppression applies (ICO data minimisation: only what the network needs, UK GDPR Art. 5(1)(c)).
    """
    figures = overview(on)
    return {
        "version": 1,
        "as_of": figures.on.isoformat(),
        "current": figures.current,
        "by_rating": figures.by_rating,
        "by_category": figures.by_category,
        "reviews_due": figures.reviews_due,
        "actions_open": figures.actions_open,
        "actions_overdue": figures.actions_overdue,
    }


# --- the network's side ------------------------------------------------------------------------


@dataclass
class ReceivedSummary:
    """A member's summary as the network opened it, with its figures in display order."""

    view: RecordView
    as_of: str
    current: int
    by_rating: list[tuple[str, int]]  # (rating label, count) in band order
    by_category: list[tuple[str, list[int]]]  # (category label, counts in band order)
    reviews_due: int
    actions_open: int
    actions_overdue: int


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def received_summaries(network: Organisation, user: User | None) -> list[ReceivedSummary]:
    """Each current member's latest summary sent to `network`, opened through the policy, by member name.

    `sharing.records.records_received` asks the policy on every open (an agreement that ended, or a
    lapsed or withdrawn record, is not opened) and audits each opening. A summary from an
    organisation that is no longer a member is not opened at all: leaving ends what the network sees.
    """
    members = set(network_members(network).values_list("pk", flat=True))
    if not members:
        return []
    latest: dict[int, RecordView] = {}
    for member_id in sorted(members):  # only members' records are opened (each opening is recorded)
        for view in records_received(
            organisation=network,
            user=user,
            kind=RecordKind.RISK_SUMMARY,
            purpose=Purpose.NETWORK_REPORTING,
            source_id=member_id,
        ):
            latest[view.source_id] = view
    summaries = []
    for view in sorted(latest.values(), key=lambda v: v.source_name.lower()):
        data = view.data
        ratings = data.get("by_rating") or {}
        categories = data.get("by_category") or {}
        summaries.append(
            ReceivedSummary(
                view=view,
                as_of=str(data.get("as_of", "")),
                current=_int(data.get("current")),
                by_rating=[(str(r.label), _int(ratings.get(r.value))) for r in Rating],
                by_category=[
                    (str(c.label), [_int((categories.get(c.value) or {}).get(r.value)) for r in Rating])
                    for c in Category
                ],
                reviews_due=_int(data.get("reviews_due")),
                actions_open=_int(data.get("actions_open")),
                actions_overdue=_int(data.get("actions_overdue")),
            )
        )
    return summaries


def has_membership(organisation: Organisation, user: User) -> bool:
    return Membership.objects.filter(organisation=organisation, user=user).exists()
