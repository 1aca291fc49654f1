"""Reads of the library, in the current organisation's schema.

Who may see what:

* a published write-up: everyone who may read the library here (`library:read`);
* a draft or a withdrawn write-up: only the people who may publish (`library:publish`) *for the
  organisation it is attributed to* (`speaks_for`), so a colleague can finish or withdraw it
  after its author has moved on. To everyone else it does not exist (404, as for a missing one).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from library import search
from library.choices import PracticeStatus, Theme
from library.models import Practice
from networks.selectors import represented_organisations
from tenants.models import Membership, Organisation, OrganisationKind, User
from tenants.scopes import Scope, has_scope

CONVENING_KINDS = (OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP)


def speaks_for(organisation: Organisation, user: User) -> list[Organisation]:
    """Whom `user` writes for in `organisation`'s library, by name.

    On a network's or group's site: the member organisations `user` also belongs to
    (`networks.selectors.represented_organisations`). When they belong to none, the network itself,
    but only for its own people: those who convene it (`network:convene`) or belong to no other
    organisation. A person whose organisation left the network (or never was a member) speaks for
    no one there: leaving must not turn them into the network's voice, able to edit its own write-ups.
    On any other organisation's site: the organisation itself. Empty for an anonymous or inactive person.
    """
    if not user.is_authenticated or not user.is_active:
        return []
    if organisation.kind not in CONVENING_KINDS:
        return [organisation]
    represented = represented_organisations(organisation, user)
    if represented:
        return represented
    own_staff = has_scope(user, organisation, Scope.NETWORK_CONVENE) or not (
        Membership.objects.filter(user=user).exclude(organisation=organisation).exists()
    )
    return [organisation] if own_staff else []


def may_publish(organisation: Organisation, user: User) -> bool:
    return has_scope(user, organisation, Scope.LIBRARY_PUBLISH)


def _owned_ids(organisation: Organisation, user: User) -> list[int]:
    return [o.pk for o in speaks_for(organisation, user)] if may_publish(organisation, user) else []


def is_ours(practice: Practice, organisation: Organisation, user: User) -> bool:
    """Whether `user` may edit, publish and withdraw `practice` (see the module docstring)."""
    return practice.organisation_id in _owned_ids(organisation, user)


def _assert_in_schema(organisation: Organisation) -> None:
    assert connection.schema_name == organisation.schema_name, "read the library inside its organisation's schema"


@dataclass(frozen=True)
class Found:
    """What a search found: the write-ups (a page's worth is sliced by the caller) and what was asked."""

    practices: QuerySet[Practice]
    words: str
    theme: str


def practices_found(organisation: Organisation, *, words: str = "", theme: str = "") -> Found:
    """Published write-ups matching `words` (full text, see library.search) and carrying `theme`.

    Both are optional; with neither, every published write-up, newest first. `theme` must be a
    `Theme` value (ValueError otherwise: the edges check it and name the parameter).
    """
    _assert_in_schema(organisation)
    rows = Practice.objects.filter(status=PracticeStatus.PUBLISHED).select_related("organisation", "author")
    if theme:
        rows = rows.filter(themes__contains=[Theme(theme).value])
    words = words.strip()
    rows = search.matching(rows, words) if words else rows.order_by("-published_at", "-pk")
    return Found(practices=rows, words=words, theme=theme)


def practices_ours(organisation: Organisation, user: User) -> QuerySet[Practice]:
    """Every write-up `user` may manage here, drafts first, then the latest changed."""
    _assert_in_schema(organisation)
    return (
        Practice.objects.filter(organisation_id__in=_owned_ids(organisation, user))
        .select_related("organisation", "author")
        .order_by("status", "-updated_at", "-pk")
    )


def practice_get(organisation: Organisation, user: User, practice_id: int) -> Practice:
    """A write-up `user` may read: published, or one of theirs in any state. Http404 otherwise."""
    _assert_in_schema(organisation)
    practice = Practice.objects.select_related("organisation", "author").filter(pk=practice_id).first()
    if practice is None:
        raise Http404("Not found.")
    if practice.status != PracticeStatus.PUBLISHED and not is_ours(practice, organisation, user):
        raise Http404("Not found.")
    return practice


def practice_get_ours(organisation: Organisation, user: User, practice_id: int) -> Practice:
    """A write-up `user` may change (see `is_ours`). Http404 otherwise, as for a missing one."""
    practice = practice_get(organisation, user, practice_id)
    if not is_ours(practice, organisation, user):
        raise Http404("Not found.")
    return practice


def theme_counts(organisation: Organisation) -> dict[str, int]:
    """Published write-ups per theme value (a write-up with two themes counts in both)."""
    _assert_in_schema(organisation)
    counts = dict.fromkeys(Theme.values, 0)
    for themes in Practice.objects.filter(status=PracticeStatus.PUBLISHED).values_list("themes", flat=True):
        for theme in themes:
            if theme in counts:
                counts[theme] += 1
    return counts
