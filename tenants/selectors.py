"""Reads for organisations and people."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import crypto
from tenants.models import ApiToken, Invitation, Membership, Organisation, OrganisationKind, OrganisationLink, User


def memberships_for_user(user: User) -> QuerySet[Membership]:
    """The organisations a person belongs to (the switcher), platform row excluded."""
    if not user.is_authenticated or not user.is_active:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def membership_for(user: User, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )


def organisation_links(organisation: Organisation) -> QuerySet[OrganisationLink]:
    """Links in either direction, each with both ends loaded."""
    return (
        OrganisationLink.objects.filter(Q(source=organisation) | Q(target=organisation))
        .select_related("source", "target")
        .order_by("kind", "source__name", "target__name")
    )


def organisations_listing() -> QuerySet[Organisation]:
    return Organisation.objects.exclude(kind=OrganisationKind.PLATFORM).prefetch_related("domains").order_by("name")


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True).order_by("-created_at")


def open_invitation_for_token(token: str) -> Invitation | None:
    """The open (not accepted, not expired) invitation whose link carries `token`, else None.

    Used, expired, bogus and malformed tokens all give None, so a page cannot tell them apart."""
    invitation = Invitation.objects.filter(token_hash=crypto.hash_token(token)).first()
    return invitation if invitation is not None and invitation.is_open() else None


def api_tokens_for(user: User, organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, organisation=organisation, revoked_at__isnull=True)
