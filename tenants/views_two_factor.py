"""Pages of two-factor sign-in on the public site: the code step, setting up, recovery codes, removal.

The code step follows the password step of /login/ (and any other sign-in, such as a
university's, since `hub.middleware.SecondFactorMiddleware` sends every unverified session
that needs it here). Each view parses input, calls one function of tenants.two_factor, renders.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from hub.forms_util import add_service_errors
from hub.hosts import is_hub_url
from tenants import lockout, two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class SetupCodeForm(CodeForm):
    """The set-up step's code: no recovery codes exist yet, so the hint does not offer them."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].help_text = "The 6 digits the app shows now for Partnership Hub."


def safe_next(request: HttpRequest) -> str:
    """The `next` address if it is one of the hub's own, else ""."""
    target = request.POST.get("next", request.GET.get("next", ""))
    return target if target and is_hub_url(target) else ""


def with_next(path: str, target: str) -> str:
    return f"{path}?{urlencode({'next': target})}" if target else path


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _demo_code(user: object) -> str:
    """Development settings only (HUB_DEMO_SHOW_TOTP_CODE): the code the demo authenticator shows now."""
    if not getattr(settings, "HUB_DEMO_SHOW_TOTP_CODE", False):
        return ""
    device = two_factor.authenticator_of(user)  # type: ignore[arg-type]
    return two_factor.current_code(device) if device is not None else ""


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code step: 6 digits from the authenticator, or a recovery code. Locked out: 429."""
    user = request.user
    target = safe_next(request)
    if _verified(request):
        return redirect(target or "home")
    if not two_factor.has_second_factor(user):  # type: ignore[arg-type]
        return redirect(with_next("/account/two-factor/setup/", target))
    form = CodeForm(request.POST or None)
    status = 200
    email = lockout.normalise_email(user.email)  # type: ignore[union-attr]
    if request.method == "POST":
        until = lockout.locked_until(request, email)
        if until is not None:
            return _locked_out(request, form, until, target)
        if form.is_valid():
            result = two_factor.second_factor_verify(user=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
            if result.device is not None:
                otp_login(request, result.device)
                lockout.failures_reset(request, email)
                if result.device.name == two_factor.RECOVERY_NAME:
                    left = two_factor.recovery_codes_left(user)  # type: ignore[arg-type]
                    messages.warning(
                        request,
                        f"You used a recovery code; {left} left. Make new ones from 'Two-factor sign-in' "
                        "if you are running low.",
                    )
                return redirect(target or "home")
            if result.throttled_until is None and lockout.failure_record(request, email):
                return _locked_out(request, form, lockout.locked_until(request, email), target)
            form.add_error("code", result.message)
        status = 400
    context = {"form": form, "next": target, "demo_code": _demo_code(user)}
    return render(request, "tenants/two_factor_verify.html", context, status=status)


def _locked_out(request: HttpRequest, form: CodeForm, until: object, target: str) -> HttpResponse:
    form.errors.clear()
    form.add_error(None, lockout.lockout_message(until))  # type: ignore[arg-type]
    response = render(request, "tenants/two_factor_verify.html", {"form": form, "next": target}, status=429)
    request.hub_lockout_page = response  # type: ignore[attr-defined]
    return response


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: QR code and secret, confirmed with a code; then the recovery codes, once."""
    user = request.user
    target = safe_next(request)
    if two_factor.has_second_factor(user):  # type: ignore[arg-type]
        return redirect(with_next("/login/code/", target) if not _verified(request) else "two_factor")
    device = two_factor.authenticator_pending(user)  # type: ignore[arg-type]
    form = SetupCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError({})
            codes = two_factor.authenticator_confirm(actor=user, device=device, code=form.cleaned_data["code"])  # type: ignore[arg-type]
        except ValidationError as exc:
            add_service_errors(form, exc)
            status = 400
        else:
            otp_login(request, device)
            context = {"codes": codes, "next": target, "first_time": True}
            return render(request, "tenants/two_factor_recovery_codes.html", context)
    context = {
        "form": form,
        "next": target,
        "provisioning": two_factor.provisioning(device),
        "required": two_factor.requires_second_factor(user),  # type: ignore[arg-type]
    }
    return render(request, "tenants/two_factor_setup.html", context, status=status)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Your two-factor sign-in: set up, make new recovery codes, remove."""
    user = request.user
    if two_factor.has_second_factor(user) and not _verified(request):  # type: ignore[arg-type]
        return redirect(with_next("/login/code/", request.build_absolute_uri()))
    context = {
        "authenticator": two_factor.authenticator_of(user),  # type: ignore[arg-type]
        "codes_left": two_factor.recovery_codes_left(user),  # type: ignore[arg-type]
        "required": two_factor.requires_second_factor(user),  # type: ignore[arg-type]
        "remove_form": CodeForm(auto_id="remove_%s"),
    }
    return render(request, "tenants/two_factor.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make a new set of recovery codes (the old ones stop working) and show them once."""
    if not _verified(request):
        return redirect(with_next("/login/code/", "/account/two-factor/"))
    try:
        codes = two_factor.recovery_codes_generate(actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("two_factor")
    return render(request, "tenants/two_factor_recovery_codes.html", {"codes": codes, "first_time": False})


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    """Remove your authenticator and recovery codes: needs a fresh code, even in a verified session."""
    user = request.user
    if not _verified(request):
        return redirect(with_next("/login/code/", "/account/two-factor/"))
    form = CodeForm(request.POST, auto_id="remove_%s")
    try:
        if not form.is_valid():
            raise ValidationError({})
        two_factor.second_factor_remove(actor=user, code=form.cleaned_data["code"])  # type: ignore[arg-type]
    except ValidationError as exc:
        add_service_errors(form, exc)
        context = {
            "authenticator": two_factor.authenticator_of(user),  # type: ignore[arg-type]
            "codes_left": two_factor.recovery_codes_left(user),  # type: ignore[arg-type]
            "required": two_factor.requires_second_factor(user),  # type: ignore[arg-type]
            "remove_form": form,
        }
        return render(request, "tenants/two_factor.html", context, status=400)
    if two_factor.requires_second_factor(user):  # type: ignore[arg-type]
        messages.warning(request, "Authenticator removed. Your role needs one: set up your new one now.")
        return redirect("two_factor_setup")
    messages.success(request, "Authenticator and recovery codes removed. Sign-in now asks for your password only.")
    return redirect("two_factor")
