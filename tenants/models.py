"""Organisations (tenants), their host names, the links between them, and the people in them.

All of these live in the public schema: a person signs in once and may belong to several
organisations, and the links are what later agreements and networks hang from.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin


class OrganisationKind(models.TextChoices):
    PROVIDER = "provider", "Provider"
    PARTNER = "partner", "Franchise partner"
    PREVENT_GROUP = "prevent_group", "Local Prevent group"
    NETWORK = "network", "Regional network"
    # The public site's own row; never offered when creating an organisation.
    PLATFORM = "platform", "Platform"


class Role(models.TextChoices):
    PREVENT_LEAD = "prevent_lead", "Prevent lead"
    SAFEGUARDING_OFFICER = "safeguarding_officer", "Safeguarding officer"
    REVIEWER = "reviewer", "Reviewer"
    ORGANISER = "organiser", "Event organiser"
    COORDINATOR = "coordinator", "Co-ordinator"
    AUDITOR = "auditor", "Auditor"
    ORG_ADMIN = "org_admin", "Organisation admin"
    # Signs information-sharing agreements on the organisation's behalf.
    SIGNATORY = "signatory", "Authorised signatory"
    DATA_PROTECTION_OFFICER = "dpo", "Data protection officer"
    # Decides higher-risk events (a chief operating officer or principal, say).
    SENIOR_DECISION_MAKER = "senior_decision_maker", "Senior decision-maker"


class Organisation(TenantMixin):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True, help_text="Host name label: <slug>.<base domain>")
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    # Provisioning creates the schema itself inside one transaction; see services.organisation_create.
    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_platform(self) -> bool:
        return self.kind == OrganisationKind.PLATFORM


class Domain(DomainMixin):
    pass


class LinkKind(models.TextChoices):
    VALIDATES = "validates", "validates"
    MEMBER_OF = "member_of", "is a member of"
    CONVENED_BY = "convened_by", "is convened by"


class OrganisationLink(models.Model):
    """A directed relation: `source` validates / is a member of / is convened by `target`."""

    source = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_organisation_link"),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="link_not_to_self"),
        ]
        ordering = ["kind", "source__name", "target__name"]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One account across every organisation; `is_staff` marks a platform operator."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Platform operator: creates and links organisations.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email


class Membership(models.Model):
    """A person's place in one organisation; a person may hold several roles there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    roles = ArrayField(models.CharField(max_length=30, choices=Role.choices))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation"),
        ]
        indexes = [models.Index(fields=["organisation", "user"])]
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.user} at {self.organisation}"

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles]


class Invitation(models.Model):
    """An organisation admin's invitation; only a hash of its token is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    roles = ArrayField(models.CharField(max_length=30, choices=Role.choices))
    token_hash = models.CharField(max_length=64, unique=True)
    # Empty for a first admin invited by the platform itself (manage.py organisation_create).
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.organisation} for {self.email}"

    def is_open(self, now: timezone.datetime | None = None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


class ApiToken(models.Model):
    """A bearer token for one person in one organisation; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to tell tokens apart.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"API token '{self.name}' ({self.prefix}…)"


class KeyPurpose(models.TextChoices):
    EXCHANGE = "exchange", "Exchange (X25519: receives wrapped record keys)"
    SIGNING = "signing", "Signing (Ed25519: signs agreements)"


class OrganisationKey(models.Model):
    """An organisation's key pair. The private half is stored only wrapped by the master key.

    Rotation adds a new current key and marks the old one retired; retired public keys stay,
    so signatures made with them remain verifiable.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="keys")
    purpose = models.CharField(max_length=20, choices=KeyPurpose.choices)
    public_key = models.BinaryField()
    wrapped_private_key = models.BinaryField()
    master_key_id = models.CharField(max_length=32)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "purpose"],
                condition=models.Q(retired_at__isnull=True),
                name="one_current_key_per_purpose",
            ),
        ]
        ordering = ["organisation_id", "purpose", "-created_at"]

    def __str__(self) -> str:
        return f"{self.purpose} key {self.fingerprint} of organisation {self.organisation_id}"


class NetworkInvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class NetworkInvitation(models.Model):
    """A network's invitation to an organisation to become a member (networks.services).

    Public, because the invited organisation's admin answers it on their own host, where the
    network's schema is never read. Accepting creates the `member_of` link.
    """

    network = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="network_invitations_sent")
    invited = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="network_invitations_received")
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=NetworkInvitationStatus.choices, default=NetworkInvitationStatus.PENDING
    )
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "invited"],
                condition=models.Q(status="pending"),
                name="one_pending_network_invitation",
            ),
            models.CheckConstraint(condition=~models.Q(network=models.F("invited")), name="network_invitation_not_self"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.network} invites {self.invited}"

    def is_open(self, now: timezone.datetime | None = None) -> bool:
        return self.status == NetworkInvitationStatus.PENDING and (now or timezone.now()) < self.expires_at
