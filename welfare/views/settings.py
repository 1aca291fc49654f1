"""The Prevent lead names deputies and sets the retention period."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hub.forms_util import add_service_errors
from tenants.models import User
from tenants.scopes import Scope, scope_required
from welfare import rights, selectors, services
from welfare.forms import SettingsForm


@scope_required(Scope.WELFARE_ALL_CASES)
def welfare_settings(request: HttpRequest) -> HttpResponse:
    if not rights.may_name_deputies(request.membership):
        raise PermissionDenied("Only the Prevent lead names deputies and sets the retention period.")
    current = selectors.welfare_settings()
    initial = {
        "deputies": list(current.deputies.values_list("pk", flat=True)),
        "retention_days": current.retention_days,
    }
    form = SettingsForm(request.POST or None, initial=initial, people=selectors.members_here())
    if request.method == "POST" and form.is_valid():
        deputies = list(User.objects.filter(pk__in=form.cleaned_data["deputies"]))
        try:
            services.welfare_settings_update(
                actor=request.user, deputies=deputies, retention_days=form.cleaned_data["retention_days"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Welfare settings saved.")
            return redirect("welfare:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "welfare/settings.html", {"form": form}, status=status)
