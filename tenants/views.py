"""Pages about organisations and people: sign-in, invitations, members, tokens, operator tools.

Each view parses input, calls one service or selector, and renders.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hub.forms_util import add_service_errors
from hub.hosts import is_hub_url, organisation_url, public_url
from tenants import lockout, selectors, services, two_factor
from tenants.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InviteForm,
    OrganisationCreateForm,
    OrganisationLinkForm,
    RolesForm,
    SignInForm,
)
from tenants.models import ApiToken, Membership, Role
from tenants.scopes import Scope, has_scope, scope_required
from tenants.views_two_factor import with_next


class SignInView(auth_views.LoginView):
    template_name = "tenants/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # Organisation pages live on other host names under the base domain; allow those only.
        target = self.request.POST.get("next", self.request.GET.get("next", ""))
        return target if target and is_hub_url(target) else ""

    def form_valid(self, form: SignInForm) -> HttpResponse:
        # Password step passed. Whoever has an authenticator, or whose rights need one, goes on
        # to the code step (or to setting one up); the lockout count is cleared only once the
        # whole sign-in has succeeded (tenants.lockout).
        response = super().form_valid(form)
        user = form.get_user()
        target = self.get_redirect_url()
        if two_factor.has_second_factor(user):
            return redirect(with_next("/login/code/", target))
        if two_factor.requires_second_factor(user):
            return redirect(with_next("/account/two-factor/setup/", target))
        lockout.failures_reset(self.request, lockout.normalise_email(user.email))
        return response

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        if getattr(self.request, "axes_locked_out", False):
            # django-axes refused or has just locked out (email, IP): say until when, 429.
            email = lockout.normalise_email(self.request.POST.get("username"))
            form.errors.clear()
            form.add_error(None, lockout.lockout_message(lockout.locked_until(self.request, email)))
            response = self.render_to_response(self.get_context_data(form=form), status=lockout.LOCKOUT_STATUS)
            self.request.hub_lockout_page = response  # type: ignore[attr-defined]
            return response
        codes = {error.code for error in form.non_field_errors().as_data()}
        status = 403 if "inactive" in codes else 401 if "invalid_login" in codes else 400
        return self.render_to_response(self.get_context_data(form=form), status=status)


def home(request: HttpRequest) -> HttpResponse:
    """The public site: sign in, or choose one of your organisations."""
    if not request.user.is_authenticated:
        return redirect("login")
    memberships = [
        (membership, organisation_url(request, membership.organisation.slug))
        for membership in selectors.memberships_for_user(request.user)
    ]
    return render(request, "tenants/home.html", {"memberships": memberships})


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: signed in (nothing to fill in), or with a name and a new password.

    Any POST, even an empty one, is answered with the page and a message (400), never a crash.
    A link that is used, expired, bogus or malformed shows one page (404, no form) saying so and
    whom to ask, the same for each so they cannot be told apart.
    """
    if selectors.open_invitation_for_token(token) is None:
        return render(request, "tenants/invitation_dead.html", {}, status=404)
    user = request.user if request.user.is_authenticated else None
    data = request.POST if request.method == "POST" else None
    # A signed-in person fills in nothing; the empty form still carries the service's errors.
    form = forms.Form(data) if user is not None else AcceptInvitationForm(data)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError({})
            membership = services.invitation_accept(
                token=token,
                user=user,
                full_name=form.data.get("full_name", ""),
                password=form.data.get("password", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, f"You are now a member of {membership.organisation}. Sign in to continue.")
            return redirect("home")
    return render(request, "tenants/invitation_accept.html", {"form": form}, status=status)


def _members_context(request: HttpRequest, invite_form: InviteForm | None = None) -> dict[str, object]:
    organisation = request.tenant
    return {
        "members": selectors.organisation_members(organisation),
        "invitations": selectors.open_invitations(organisation),
        "invite_form": invite_form or InviteForm(),
        "is_admin": has_scope(request.user, organisation, Scope.ORG_ADMIN),
        "role_choices": Role.choices,
    }


@scope_required({"GET": Scope.ORG_READ, "POST": Scope.ORG_ADMIN})
def members(request: HttpRequest) -> HttpResponse:
    """People in this organisation; admins invite and change roles here."""
    status = 200
    invite_form = InviteForm(request.POST or None)
    if request.method == "POST":
        if invite_form.is_valid():
            try:
                invitation, token = services.invitation_create(
                    actor=request.user,
                    organisation=request.tenant,
                    email=invite_form.cleaned_data["email"],
                    roles=invite_form.cleaned_data["roles"],
                )
            except ValidationError as exc:
                add_service_errors(invite_form, exc)
            else:
                link = public_url(request, f"/invitations/{token}/")
                messages.success(request, f"Invitation for {invitation.email} created. Send them this link: {link}")
                return redirect("members")
        status = 400
    return render(request, "tenants/members.html", _members_context(request, invite_form), status=status)


@scope_required(Scope.ORG_ADMIN)
@require_POST
def member_roles(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=membership_id, organisation=request.tenant)
    form = RolesForm(request.POST)
    if not request.POST.getlist("roles"):
        # No roles left means leaving the organisation: that takes its own confirmed step.
        return redirect("member_remove", membership_id=membership.pk)
    if not form.is_valid():
        messages.error(request, "Choose at least one role.")
        return redirect("members")
    try:
        services.membership_set_roles(actor=request.user, membership=membership, roles=form.cleaned_data["roles"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Roles updated for {membership.user}.")
    return redirect("members")


@scope_required(Scope.ORG_ADMIN)
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Confirm, then remove a person from this organisation (organisation admins only)."""
    members = Membership.objects.select_related("user")
    membership = get_object_or_404(members, pk=membership_id, organisation=request.tenant)
    if request.method == "POST":
        try:
            services.membership_remove(actor=request.user, membership=membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{membership.user} is no longer a member of {request.tenant}.")
        return redirect("members")
    return render(request, "tenants/member_remove.html", {"member": membership})


@scope_required(Scope.ORG_READ)
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    status = 200
    if request.method == "POST":
        if not request.user.is_verified():  # type: ignore[union-attr]
            # A token stands for a session that passed the second factor (tenants.api_auth).
            form.add_error(
                None,
                "API tokens are made only after two-factor sign-in: set up an authenticator app under "
                "'Two-factor sign-in' on the public site, sign in with its code, then make the token.",
            )
            status = 400
        elif form.is_valid():
            try:
                _, new_token = services.api_token_create(
                    actor=request.user, organisation=request.tenant, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                form = ApiTokenForm()
        else:
            status = 400
    context = {"form": form, "tokens": selectors.api_tokens_for(request.user, request.tenant), "new_token": new_token}
    return render(request, "tenants/api_tokens.html", context, status=status)


@scope_required(Scope.ORG_READ)  # one's own tokens only: the lookup below is by the signed-in person
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, organisation=request.tenant, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token '{token.name}' revoked.")
    return redirect("api_tokens")


def _require_operator(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied("Only platform operators can manage organisations.")


@login_required
def operator_organisations(request: HttpRequest) -> HttpResponse:
    """Platform operators create organisations and link them."""
    _require_operator(request)
    # Both forms have a `kind` field: their own id prefixes keep every id on the page unique.
    create_form = OrganisationCreateForm(request.POST if "create" in request.POST else None, auto_id="create_%s")
    link_form = OrganisationLinkForm(request.POST if "link" in request.POST else None, auto_id="link_%s")
    status = 200
    if request.method == "POST":
        form = create_form if "create" in request.POST else link_form
        if form.is_valid():
            try:
                done = _operator_action(request, form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("operator_organisations")
        status = 400
    context = {
        "organisations": selectors.organisations_listing(),
        "create_form": create_form,
        "link_form": link_form,
    }
    return render(request, "tenants/operator_organisations.html", context, status=status)


def _operator_action(request: HttpRequest, form: OrganisationCreateForm | OrganisationLinkForm) -> str:
    data = form.cleaned_data
    if isinstance(form, OrganisationCreateForm):
        done = services.organisation_onboard(
            actor=request.user,
            name=data["name"],
            slug=data["slug"],
            kind=data["kind"],
            validated_by=data["validated_by"],
            first_admin_email=data["first_admin_email"],
            site_url=public_url(request),
        )
        sent = f"We emailed it to {done.invitation.email}; " if done.emailed else "No email is sent from here; "
        return (
            f"Created {done.organisation} at {services.organisation_host(done.organisation.slug)}. "
            f"{sent}send {done.invitation.email} this link to become its first admin: {done.link}"
        )
    link = services.organisation_link(
        actor=request.user, source=data["source"], target=data["target"], kind=data["kind"]
    )
    return f"Linked: {link}."
