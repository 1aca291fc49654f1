"""The Django admin for platform operators, on the public site only (/admin/ on the base domain).

Who: platform operators (`User.is_staff`, as /operator/organisations/ and /operator/audit/ require)
who have passed the second factor in this session. Anyone else signed in gets 403; nobody signed
in is sent to the hub's own sign-in page (the admin has no sign-in form of its own); an operator
without the second factor is sent to the code step (hub.middleware.SecondFactorMiddleware does
it first; `HubAdminSite` checks again).

What: organisations (name), host names, links, people and memberships are editable; agreements,
their versions, parties and signatures, and audit events are read-only (view permission only, so
their change pages refuse POST with 403). Nothing sealed is registered (shared checks,
envelopes, wrapped keys, channel keys, name tokens, organisation key pairs, wrapped secrets, API
tokens, invitations, authenticators): the admin shows no decrypted content and no key or sealed
bytes, and every admin below lists its fields explicitly so a new binary field never appears.

Every change is an audit event (`core.audit.audit_record`): `admin.add`, `admin.change` or
`admin.delete`, naming the model, the object id and the NAMES of the fields changed, never
their values; in the organisation's own chain when the object belongs to one (the organisation
can see what the platform did to it), else the platform's. Django's own LogEntry is not
written: the audit trail is the one history. Links and memberships go through the same
services as the operator and organisation pages (validation, audit, rights ending).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, AgreementVersion, Signature
from core.audit import audit_record
from core.live import sockets_close
from core.models import AuditEvent
from tenants import services as tenant_services
from tenants.models import ApiToken, Domain, LinkKind, Membership, Organisation, OrganisationLink, Role, User

View = Callable[..., HttpResponse]


def is_operator(user: Any) -> bool:
    """Whether `user` is an active platform operator (`is_staff`); says nothing about the second factor."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


class HubAdminSite(admin.AdminSite):
    """The admin site, gated for platform operators with a verified second factor (see the module docstring)."""

    site_header = "Partnership Hub: platform administration"
    site_title = "Partnership Hub admin"
    index_title = "Platform administration"
    # Unknown /admin/… addresses get the hub's own 404, not the admin's catch-all.
    final_catch_all_view = False
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user) and request.user.is_verified()  # type: ignore[union-attr]

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        """The answer for anyone who may not use the admin, or None for a verified operator.

        Raises PermissionDenied (403) for a signed-in person who is no platform operator.
        """
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not is_operator(user):
            raise PermissionDenied("Only platform operators can use the platform administration.")
        if not user.is_verified():  # type: ignore[union-attr]
            from tenants import two_factor  # here: tenants' views import hub helpers

            step = "two_factor_verify" if two_factor.has_second_factor(user) else "two_factor_setup"  # type: ignore[arg-type]
            return HttpResponseRedirect(reverse(step) + "?" + urlencode({"next": request.get_full_path()}))
        return None

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return self.refusal(request) or inner(request, *args, **kwargs)

        return gated

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No sign-in form here: the hub's own (password, then the second factor) is the only way in."""
        return self.refusal(request) or HttpResponseRedirect(reverse("admin:index", current_app=self.name))

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("password_change"))

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """Django's, with the app index as one plain path per app instead of a regular expression."""
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "app_list"]
        labels = sorted({model._meta.app_label for model in self._registry})
        index = self.admin_view(self.app_index)
        return urls + [path(f"{label}/", index, {"app_label": label}, name="app_list") for label in labels]


site = HubAdminSite(name="admin")
site.disable_action("delete_selected")  # deletions one at a time, through delete_model (audited)


# --- Audit: every change, by field name -----------------------------------------------------------


def _label(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


class AuditedAdmin(admin.ModelAdmin):
    """Operators may view, add, change and delete; each write is one audit event in the same transaction."""

    def organisation_of(self, obj: models.Model) -> int | None:
        """The organisation whose chain records a change to `obj` (None: the platform's)."""
        return None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return site.has_permission(request)

    def audit(self, request: HttpRequest, obj: models.Model, action: str, fields: list[str]) -> None:
        audit_record(
            action=f"admin.{action}",
            actor=request.user,
            organisation_id=self.organisation_of(obj),
            target=obj,
            detail={"model": _label(obj), "fields": sorted(fields)},
        )

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        with transaction.atomic():
            obj.save()
            if form.changed_data or not change:  # saving a page unchanged changes nothing
                self.audit(request, obj, "change" if change else "add", list(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            self.audit(request, obj, "delete", [])
            obj.delete()

    # The audit trail is the one history: no LogEntry rows (they would copy names into a second log).
    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> None:
        return None

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> None:
        return None

    def log_deletions(self, request: HttpRequest, queryset: Any) -> None:
        return None

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("operator_audit"))


class ReadOnlyAdmin(AuditedAdmin):
    """View only: no add, change or delete (a POST to a change page is 403)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


# --- Organisations, host names, links ----------------------------------------------------------------


@admin.register(Organisation, site=site)
class OrganisationAdmin(AuditedAdmin):
    """Names only: creating one (schema, keys, host name) is /operator/organisations/; none is deleted."""

    list_display = ["name", "slug", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "kind", "schema_name", "created_at"]
    readonly_fields = ["slug", "kind", "schema_name", "created_at"]

    def organisation_of(self, obj: models.Model) -> int | None:
        return obj.pk

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class DomainForm(forms.ModelForm):
    class Meta:
        model = Domain
        fields = ["domain", "tenant", "is_primary"]

    def clean_domain(self) -> str:
        return self.cleaned_data["domain"].strip().lower()  # hosts are matched lower-case (hub.hosts)


@admin.register(Domain, site=site)
class DomainAdmin(AuditedAdmin):
    form = DomainForm
    list_display = ["domain", "tenant", "is_primary"]
    list_select_related = ["tenant"]
    search_fields = ["domain"]
    fields = ["domain", "tenant", "is_primary"]

    def organisation_of(self, obj: models.Model) -> int | None:
        return obj.tenant_id  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list[str]:
        """A host name never moves to another organisation (its people would reach the other's site,
        and only the new owner's chain would record it): remove it and add another instead."""
        return ["tenant"] if obj is not None else []


class LinkForm(forms.ModelForm):
    class Meta:
        model = OrganisationLink
        fields = ["source", "kind", "target"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        source, target, kind = data.get("source"), data.get("target"), data.get("kind")
        if source and target and kind:
            # The same rules as tenant_services.organisation_link, which save_model then calls.
            tenant_services._validate_link(source=source, target_kind=target.kind, kind=kind)
            validated = OrganisationLink.objects.filter(target=target, kind=LinkKind.VALIDATES)
            if kind == LinkKind.VALIDATES and validated.exists():
                raise ValidationError({"target": f"{target} already has a validating provider."})
        return data


@admin.register(OrganisationLink, site=site)
class OrganisationLinkAdmin(AuditedAdmin):
    """Links are added and removed, never edited (remove one and add another)."""

    form = LinkForm
    list_display = ["source", "kind", "target", "created_at"]
    list_select_related = ["source", "target"]
    list_filter = ["kind"]
    fields = ["source", "kind", "target"]

    def organisation_of(self, obj: models.Model) -> int | None:
        return obj.source_id  # type: ignore[attr-defined]

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        link = tenant_services.organisation_link(
            actor=request.user,
            source=obj.source,  # type: ignore[attr-defined]
            target=obj.target,  # type: ignore[attr-defined]
            kind=obj.kind,  # type: ignore[attr-defined]
        )
        obj.pk = link.pk  # the service wrote (and audited) the row; the admin redirects to it


# --- People and memberships ------------------------------------------------------------------------


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "is_active", "is_staff"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()  # as UserManager.create_user stores it
        if User.objects.filter(email=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError("Another account already uses this address.")
        return email


@admin.register(User, site=site)
class UserAdmin(AuditedAdmin):
    """Accounts come from invitations; here an operator corrects a name or address, disables an
    account (its sessions and sockets end: tenants.sessions) or makes someone an operator.
    No password is shown or set here, and no account is deleted (disable it instead)."""

    form = UserForm
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "is_active", "is_staff", "is_superuser", "date_joined", "last_login"]
    readonly_fields = ["is_superuser", "date_joined", "last_login"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organisation", "roles"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        held = self.instance.roles if self.instance.pk else []
        roles = data.get("roles") or []
        if Role.ORG_ADMIN in held and Role.ORG_ADMIN not in roles:
            # An organisation always keeps an admin (tenants.services.membership_set_roles).
            tenant_services._require_another_admin(
                self.instance,
                field="roles",
                message="This is the last organisation admin; make someone else admin first.",
            )
        return data


@admin.register(Membership, site=site)
class MembershipAdmin(AuditedAdmin):
    form = MembershipForm
    list_display = ["user", "organisation", "roles", "created_at"]
    list_select_related = ["user", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["user__email", "organisation__name"]
    fields = ["user", "organisation", "roles"]

    def organisation_of(self, obj: models.Model) -> int | None:
        return obj.organisation_id  # type: ignore[attr-defined]

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list[str]:
        return ["user", "organisation"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        """As tenants.services.membership_remove: never the organisation's last active admin (403 here)."""
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None or Role.ORG_ADMIN not in obj.roles:  # type: ignore[attr-defined]
            return True
        try:
            tenant_services._require_another_admin(obj, field="roles", message="last admin")  # type: ignore[arg-type]
        except ValidationError:
            return False
        return True

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        membership = tenant_services.membership_grant(
            actor=request.user,
            organisation=obj.organisation,  # type: ignore[attr-defined]
            user=obj.user,  # type: ignore[attr-defined]
            roles=obj.roles,  # type: ignore[attr-defined]
        )
        obj.pk = membership.pk

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        """As tenants.services.membership_remove: the person's API tokens there are revoked and their sockets close."""
        membership: Membership = obj  # type: ignore[assignment]
        with transaction.atomic():
            if Role.ORG_ADMIN in membership.roles:  # checked again under the admins' locks (a concurrent removal)
                admins = Membership.objects.select_for_update(no_key=True)
                list(admins.filter(organisation=membership.organisation_id, roles__contains=[Role.ORG_ADMIN]))
                try:
                    tenant_services._require_another_admin(membership, field="roles", message="last admin")
                except ValidationError as exc:
                    raise PermissionDenied("This is the organisation's last admin.") from exc
            ApiToken.objects.filter(
                user_id=membership.user_id, organisation_id=membership.organisation_id, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            super().delete_model(request, membership)
            sockets_close(
                user_id=membership.user_id, schemas=[membership.organisation.schema_name], reason="membership_removed"
            )


# --- Read-only: agreements and the audit trail ------------------------------------------------------


@admin.register(Agreement, site=site)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "drafted_by_organisation", "created_at", "suspended_at", "terminates_at"]
    list_select_related = ["drafted_by_organisation"]
    search_fields = ["title"]
    fields = [
        "title",
        "drafted_by_organisation",
        "template",
        "created_at",
        "current_version",
        "pending_version",
        "suspended_at",
        "suspended_by",
        "notice_given_at",
        "terminates_at",
        "terminated_by",
    ]


@admin.register(AgreementVersion, site=site)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "title", "proposed_at", "fully_signed_at", "start_date", "expiry_date"]
    fields = [
        "agreement",
        "number",
        "title",
        "proposed_at",
        "fully_signed_at",
        "document_hash",
        "lawful_basis",
        "retention_days",
        "review_date",
        "start_date",
        "expiry_date",
    ]


@admin.register(AgreementParty, site=site)
class AgreementPartyAdmin(ReadOnlyAdmin):
    list_display = ["version", "organisation", "position"]
    list_select_related = ["version", "organisation"]
    fields = ["version", "organisation", "position"]


@admin.register(Signature, site=site)
class SignatureAdmin(ReadOnlyAdmin):
    """Who signed which version when, and the key's fingerprint; never the signature bytes."""

    list_display = ["version", "organisation", "signer_name", "signed_at"]
    list_select_related = ["version", "organisation"]
    fields = ["version", "organisation", "signer_name", "signer_role", "signed_at", "document_hash", "key_fingerprint"]


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "occurred_at", "action", "organisation_id", "actor_label", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_type", "target_id"]
    fields = [
        "occurred_at",
        "chain",
        "seq",
        "action",
        "organisation_id",
        "actor_id",
        "actor_label",
        "target_type",
        "target_id",
        "detail",
        "previous_hash",
        "hash",
    ]
