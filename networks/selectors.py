"""Reads for networks: who belongs to a network (public `member_of` links), and the network's own records.

The membership selectors read only public-schema rows (`tenants.OrganisationLink`, `Membership`), so
any app may call them from any host. The meeting/action/paper selectors read the *current* schema:
call them only on the network's own host (a view there, or inside `tenant_context(network)`).
"""

from __future__ import annotations

from django.db.models import QuerySet

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
