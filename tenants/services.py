"""Writes for organisations and people. Every change writes its audit event in the same transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tenants.models import TenantMixin
from django_tenants.signals import post_schema_sync

from core import crypto
from core.after_commit import run_after_commit
from core.audit import audit_record
from core.live import sockets_close
from tenants.keys import organisation_keys_create
from tenants.models import (
    ApiToken,
    Domain,
    Invitation,
    LinkKind,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationLink,
    Role,
    User,
)
from tenants.provisioning import schema_provision
from tenants.scopes import Scope, has_scope, require_scope

# Host labels that would collide with the platform's own names or mislead people.
RESERVED_SLUGS = frozenset(
    {"public", "www", "api", "admin", "static", "media", "hub", "mail", "platform", "localhost", "ws"}
)
# A DNS label: lower-case letters, digits and inner hyphens, 2–40 characters.
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")
INVITATION_LIFETIME = timedelta(days=14)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length  # 254, as RFC 5321 allows in a path
_TOO_LONG = f"An email address can have at most {EMAIL_MAX_LENGTH} characters; check it and try again."

# Which organisation kinds each link may join: (allowed source kinds, allowed target kinds).
LINK_RULES: dict[str, tuple[set[str], set[str]]] = {
    LinkKind.VALIDATES: ({OrganisationKind.PROVIDER}, {OrganisationKind.PARTNER}),
    LinkKind.MEMBER_OF: (
        {OrganisationKind.PROVIDER, OrganisationKind.PARTNER, OrganisationKind.PREVENT_GROUP, OrganisationKind.NETWORK},
        {OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP},
    ),
    LinkKind.CONVENED_BY: (
        {OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP},
        {OrganisationKind.PROVIDER, OrganisationKind.PARTNER, OrganisationKind.PREVENT_GROUP, OrganisationKind.NETWORK},
    ),
}


def organisation_host(slug: str) -> str:
    return f"{slug}.{settings.HUB_BASE_DOMAIN}"


def schema_name_for(slug: str) -> str:
    return "org_" + slug.replace("-", "_")


def _require_operator(actor: User | None) -> None:
    # `None` is the system itself (the demo seed, migrations); people must be operators.
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only a platform operator can create or link organisations.")


def _validate_new_organisation(*, name: str, slug: str, kind: str) -> None:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the organisation's name."
    if slug in RESERVED_SLUGS:
        errors["slug"] = f"'{slug}' is reserved by the platform; choose another slug."
    elif not SLUG_PATTERN.match(slug):
        errors["slug"] = (
            "Use 2–40 lower-case letters, digits and hyphens, starting and ending with a letter "
            "or digit (it becomes the host name <slug>." + settings.HUB_BASE_DOMAIN + ")."
        )
    elif Organisation.objects.filter(slug=slug).exists():
        errors["slug"] = f"An organisation with the slug '{slug}' already exists; choose another."
    if kind not in OrganisationKind.values or kind == OrganisationKind.PLATFORM:
        choices = ", ".join(k for k in OrganisationKind.values if k != OrganisationKind.PLATFORM)
        errors["kind"] = f"Choose one of: {choices}."
    if errors:
        raise ValidationError(errors)


def organisation_create(
    *,
    actor: User | None,
    name: str,
    slug: str,
    kind: str,
    validated_by: Organisation | None = None,
) -> Organisation:
    """Create an organisation: schema, host name, key pairs and first link, all or nothing.

    PostgreSQL DDL is transactional, so a failure anywhere (including mid-migration)
    rolls back the schema as well as the rows. The schema is made by
    `tenants.provisioning.schema_provision` (a checked replay of the migrations' SQL,
    falling back to real migrations), tens of milliseconds instead of seconds.
    """
    _require_operator(actor)
    slug = slug.strip().lower()
    _validate_new_organisation(name=name, slug=slug, kind=kind)
    if kind == OrganisationKind.PARTNER and validated_by is not None:
        _validate_link(source=validated_by, target_kind=kind, kind=LinkKind.VALIDATES)
    with transaction.atomic():
        organisation = Organisation(schema_name=schema_name_for(slug), name=name.strip(), slug=slug, kind=kind)
        # The schema comes from tenants.provisioning (a checked replay of the migrations' SQL),
        # not from django-tenants' per-save `migrate_schemas`.
        organisation.auto_create_schema = False
        organisation.save(verbosity=0)
        schema_provision(schema_name=organisation.schema_name)
        post_schema_sync.send(sender=TenantMixin, tenant=organisation.serializable_fields())
        Domain.objects.create(domain=organisation_host(slug), tenant=organisation, is_primary=True)
        organisation_keys_create(organisation=organisation)
        audit_record(
            action="organisation.create",
            actor=actor,
            organisation_id=organisation.pk,
            target=organisation,
            detail={"slug": slug, "kind": kind},
        )
        if validated_by is not None:
            organisation_link(actor=actor, source=validated_by, target=organisation, kind=LinkKind.VALIDATES)
    return organisation


@dataclass(frozen=True)
class Onboarding:
    """A new organisation and the invitation that makes its first admin; `link` is shown once."""

    organisation: Organisation
    invitation: Invitation
    link: str
    emailed: bool


def email_is_configured() -> bool:
    """Whether email really leaves the hub (not the development console or dummy backend)."""
    return settings.EMAIL_BACKEND not in {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }


def organisation_onboard(
    *,
    actor: User | None,
    name: str,
    slug: str,
    kind: str,
    first_admin_email: str,
    site_url: str,
    validated_by: Organisation | None = None,
) -> Onboarding:
    """Create an organisation (see `organisation_create`) and invite its first organisation admin.

    Nobody but an organisation admin can invite people, and the operator is not a member, so
    a new organisation needs its first admin named here. `site_url` is the public site's base
    URL (e.g. "http://hub.localhost:8000"); the invitation link is `<site_url>/invitations/<token>/`,
    returned once (only its hash is stored) and emailed after commit when email is configured.
    All or nothing: a bad email address creates no organisation. Raises ValidationError keyed
    by field, PermissionDenied for someone who is not an operator.
    """
    _require_operator(actor)
    email = User.objects.normalize_email((first_admin_email or "").strip()).lower()
    errors: dict[str, list[str]] = {}
    try:
        _validate_new_organisation(name=name, slug=slug.strip().lower(), kind=kind)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not EMAIL_PATTERN.match(email):
        errors["first_admin_email"] = [
            "Enter the email address of the organisation's first admin, e.g. prevent.lead@college.example."
        ]
    elif len(email) > EMAIL_MAX_LENGTH:
        errors["first_admin_email"] = [_TOO_LONG]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        organisation = organisation_create(actor=actor, name=name, slug=slug, kind=kind, validated_by=validated_by)
        invitation, token = _first_admin_invitation(actor=actor, organisation=organisation, email=email)
    link = f"{site_url.rstrip('/')}/invitations/{token}/"
    emailed = email_is_configured()
    if emailed:
        run_after_commit(lambda: _send_first_admin_email(organisation, email, link))
    return Onboarding(organisation=organisation, invitation=invitation, link=link, emailed=emailed)


def _first_admin_invitation(*, actor: User | None, organisation: Organisation, email: str) -> tuple[Invitation, str]:
    roles = [Role.ORG_ADMIN.value]
    return _invitation_write(actor=actor, organisation=organisation, email=email, roles=roles, first_admin=True)


def _invitation_write(
    *, actor: User | None, organisation: Organisation, email: str, roles: list[str], first_admin: bool = False
) -> tuple[Invitation, str]:
    """The invitation row (only the token's hash is stored) and its audit event; returns the one-time token.

    Call inside the caller's transaction, after validating `email` and `roles`."""
    token = crypto.random_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        roles=roles,
        token_hash=crypto.hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    detail: dict[str, object] = {"roles": roles}
    if first_admin:
        detail["first_admin"] = True
    audit_record(
        action="invitation.create", actor=actor, organisation_id=organisation.pk, target=invitation, detail=detail
    )
    return invitation, token


def _send_first_admin_email(organisation: Organisation, email: str, link: str) -> None:
    send_mail(
        subject=f"You are invited to run {organisation.name} on Partnership Hub",
        message=(
            f"You have been named the first organisation admin of {organisation.name} on Partnership Hub.\n\n"
            f"Accept the invitation within {INVITATION_LIFETIME.days} days: {link}\n\n"
            "As admin you invite your colleagues and give them their roles."
        ),
        from_email=None,
        recipient_list=[email],
    )


def _validate_link(*, source: Organisation, target_kind: str, kind: str) -> None:
    if kind not in LINK_RULES:
        raise ValidationError({"kind": f"Choose one of: {', '.join(LINK_RULES)}."})
    source_kinds, target_kinds = LINK_RULES[kind]
    if source.kind not in source_kinds or target_kind not in target_kinds:
        label = LinkKind(kind).label
        raise ValidationError(
            {
                "kind": (
                    f"A {OrganisationKind(source.kind).label.lower()} cannot be linked as '{label}' to a "
                    f"{OrganisationKind(target_kind).label.lower()}: '{label}' joins "
                    f"{_kinds(source_kinds)} to {_kinds(target_kinds)}."
                )
            }
        )


def _kinds(kinds: Iterable[str]) -> str:
    return " or ".join(sorted(OrganisationKind(k).label.lower() for k in kinds))


def organisation_link(*, actor: User | None, source: Organisation, target: Organisation, kind: str) -> OrganisationLink:
    """Record that `source` validates / is a member of / is convened by `target`."""
    _require_operator(actor)
    if source.pk == target.pk:
        raise ValidationError({"target": "An organisation cannot be linked to itself."})
    _validate_link(source=source, target_kind=target.kind, kind=kind)
    if OrganisationLink.objects.filter(source=source, target=target, kind=kind).exists():
        raise ValidationError({"target": f"{source} already {LinkKind(kind).label} {target}."})
    if kind == LinkKind.VALIDATES and OrganisationLink.objects.filter(target=target, kind=kind).exists():
        raise ValidationError({"target": f"{target} already has a validating provider."})
    with transaction.atomic():
        link = OrganisationLink.objects.create(source=source, target=target, kind=kind)
        audit_record(
            action="organisation.link",
            actor=actor,
            organisation_id=source.pk,
            target=link,
            detail={"source": source.slug, "target": target.slug, "kind": kind},
        )
    return link


def _clean_roles(roles: Iterable[str]) -> list[str]:
    cleaned = sorted(set(roles))
    if not cleaned:
        raise ValidationError({"roles": "Choose at least one role."})
    unknown = [role for role in cleaned if role not in Role.values]
    if unknown:
        raise ValidationError({"roles": f"Unknown role {', '.join(unknown)}; choose from {', '.join(Role.values)}."})
    return cleaned


def require_role(user: User, organisation: Organisation, role: str) -> Membership:
    """Deprecated: name a scope instead (`tenants.scopes.require_scope`); kept for callers not yet moved."""
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None or not membership.has_role(role):
        raise PermissionDenied(f"This needs the {Role(role).label} role in {organisation}.")
    return membership


def membership_grant(*, actor: User | None, organisation: Organisation, user: User, roles: Iterable[str]) -> Membership:
    """Give `user` these roles in `organisation` (adding to any they hold). Used by seeding and invitations."""
    roles = _clean_roles(roles)
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update(no_key=True).get_or_create(
            user=user, organisation=organisation, defaults={"roles": roles}
        )
        if not created:
            membership.roles = sorted(set(membership.roles) | set(roles))
            membership.save(update_fields=["roles"])
        audit_record(
            action="membership.grant",
            actor=actor,
            organisation_id=organisation.pk,
            target=membership,
            detail={"user_id": user.pk, "roles": roles},
        )
    return membership


def _require_another_admin(membership: Membership, *, field: str, message: str) -> None:
    """Raise ValidationError unless an active admin other than `membership` remains (call under a lock)."""
    other_admins = Membership.objects.filter(
        organisation=membership.organisation_id, roles__contains=[Role.ORG_ADMIN], user__is_active=True
    ).exclude(pk=membership.pk)
    if not other_admins.exists():
        raise ValidationError({field: message})


def membership_set_roles(*, actor: User, membership: Membership, roles: Iterable[str]) -> Membership | None:
    """Replace a member's roles; an organisation always keeps at least one admin.

    No roles at all means the person leaves: that is `membership_remove` (returns None).
    """
    require_scope(actor, membership.organisation, Scope.ORG_ADMIN)
    roles = list(roles)
    if not roles:
        membership_remove(actor=actor, membership=membership)
        return None
    roles = _clean_roles(roles)
    with transaction.atomic():
        membership = Membership.objects.select_for_update(no_key=True).get(pk=membership.pk)
        if Role.ORG_ADMIN in membership.roles and Role.ORG_ADMIN not in roles:
            _require_another_admin(
                membership, field="roles", message="This is the last organisation admin; make someone else admin first."
            )
        previous = membership.roles
        membership.roles = roles
        membership.save(update_fields=["roles"])
        audit_record(
            action="membership.set_roles",
            actor=actor,
            organisation_id=membership.organisation_id,
            target=membership,
            detail={"user_id": membership.user_id, "from": previous, "to": roles},
        )
    return membership


def membership_remove(*, actor: User, membership: Membership) -> None:
    """An organisation admin removes a person from the organisation (themselves included).

    In one transaction: the membership goes, the person's API tokens for this organisation
    are revoked, and an audit event records who was removed by whom and which roles they
    held. After commit, the person's open sockets on this organisation's host close.
    Raises PermissionDenied unless `actor` holds org:admin here, and ValidationError
    (field ``membership``) when it would remove the last active admin.
    """
    organisation = membership.organisation
    require_scope(actor, organisation, Scope.ORG_ADMIN)
    with transaction.atomic():
        membership = Membership.objects.select_for_update(no_key=True).filter(pk=membership.pk).first()
        if membership is None:
            raise ValidationError({"membership": "This person is no longer a member; reload the page."})
        if Role.ORG_ADMIN in membership.roles:
            _require_another_admin(
                membership,
                field="membership",
                message="This is the last organisation admin; make someone else admin before removing them.",
            )
        membership_id, user_id, roles = membership.pk, membership.user_id, membership.roles
        ApiToken.objects.filter(user_id=user_id, organisation=organisation, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        membership.delete()
        audit_record(
            action="membership.remove",
            actor=actor,
            organisation_id=organisation.pk,
            target_type="tenants.membership",
            target_id=membership_id,
            detail={"user_id": user_id, "roles": roles},
        )
        sockets_close(user_id=user_id, schemas=[organisation.schema_name], reason="membership_removed")


def user_deactivate(*, actor: User | None, user: User) -> User:
    """Disable an account (platform operators, or the system): it can no longer sign in or use tokens.

    Its sessions stop working at once (authentication backends refuse inactive accounts)
    and its open sockets close after commit (the post-save receiver in `tenants.sessions`).
    Memberships stay, so an operator can re-enable the account. Raises PermissionDenied
    for anyone but an operator.
    """
    if actor is not None and not actor.is_staff:
        raise PermissionDenied("Only a platform operator can disable an account.")
    with transaction.atomic():
        user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(action="user.deactivate", actor=actor, target=user, detail={"user_id": user.pk})
    return user


def invitation_create(
    *, actor: User, organisation: Organisation, email: str, roles: Iterable[str]
) -> tuple[Invitation, str]:
    """An organisation admin invites a person; returns the invitation and its one-time token."""
    require_scope(actor, organisation, Scope.ORG_ADMIN)
    email = User.objects.normalize_email(email.strip()).lower()
    errors: dict[str, str] = {}
    if not email or "@" not in email:
        errors["email"] = "Enter the email address of the person to invite."
    elif len(email) > EMAIL_MAX_LENGTH:
        errors["email"] = _TOO_LONG
    elif Membership.objects.filter(organisation=organisation, user__email=email).exists():
        errors["email"] = f"{email} is already a member of {organisation}; change their roles instead."
    try:
        roles = _clean_roles(roles)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _invitation_write(actor=actor, organisation=organisation, email=email, roles=roles)


def invitation_accept(*, token: str, user: User | None = None, full_name: str = "", password: str = "") -> Membership:
    """Accept an invitation: as the signed-in `user`, or by creating an account with a password."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(no_key=True).filter(token_hash=crypto.hash_token(token)).first()
        )
        if invitation is None or not invitation.is_open():
            raise ValidationError({"token": "This invitation link is not valid or has expired; ask for a new one."})
        if user is None:
            user = _user_for_invitation(invitation, full_name=full_name, password=password)
        elif user.email != invitation.email:
            raise ValidationError(
                {"token": f"This invitation is for {invitation.email}; sign in with that account to accept it."}
            )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            action="invitation.accept", actor=user, organisation_id=invitation.organisation_id, target=invitation
        )
        return membership_grant(actor=user, organisation=invitation.organisation, user=user, roles=invitation.roles)


def _user_for_invitation(invitation: Invitation, *, full_name: str, password: str) -> User:
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError({"token": "You already have an account: sign in first, then open the link again."})
    if not full_name.strip():
        raise ValidationError({"full_name": "Enter your name."})
    candidate = User(email=invitation.email, full_name=full_name.strip())
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    return User.objects.create_user(invitation.email, password, full_name=full_name.strip())


def api_token_create(*, actor: User, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """Issue a bearer token for `actor` in `organisation`; the raw token is returned once only."""
    if not has_scope(actor, organisation, Scope.ORG_READ):
        raise PermissionDenied("Only members of an organisation can hold its API tokens.")
    if not name.strip():
        raise ValidationError({"name": "Name the token after what will use it, e.g. 'reporting script'."})
    raw = "phub_" + crypto.random_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, organisation=organisation, name=name.strip(), key_hash=crypto.hash_token(raw), prefix=raw[:9]
        )
        audit_record(action="api_token.create", actor=actor, organisation_id=organisation.pk, target=token)
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        require_scope(actor, token.organisation, Scope.ORG_ADMIN)
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(action="api_token.revoke", actor=actor, organisation_id=token.organisation_id, target=token)
