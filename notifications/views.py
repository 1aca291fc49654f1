"""Pages under /notifications/: the signed-in person's notifications here, and how each kind reaches them.

Every page is the person's own: another person's notification id is ignored (nothing changes,
the person lands back on their own list), like one that does not exist. A notification whose
scope or object right the person no longer holds is neither listed nor opened
(`services.visible`, then `services.still_allowed` per row).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hub.forms_util import add_service_errors
from hub.paging import page_of
from notifications import services
from notifications.forms import PreferencesForm
from notifications.models import Notification
from tenants.scopes import Scope, scope_required

PER_PAGE = 20


def safe_target(url: str) -> str:
    """`url` if it is a path on this host (`services.is_local_path`), else the centre itself."""
    if services.is_local_path(url):
        return url
    return "/notifications/"


def _allowed(request: HttpRequest) -> list[Notification]:
    """The person's visible notifications, newest first, with object rights checked per row."""
    membership = request.membership  # type: ignore[attr-defined]
    return [n for n in services.visible(membership) if services.still_allowed(n, membership)]


@scope_required(Scope.ORG_READ)
def centre(request: HttpRequest) -> HttpResponse:
    """The notification centre: newest first, unread ones marked in words."""
    rows = _allowed(request)
    page = page_of(request, rows, per_page=PER_PAGE)
    unread = sum(1 for n in rows if n.read_at is None)
    return render(request, "notifications/centre.html", {"page": page, "unread": unread, "total": len(rows)})


def _own(request: HttpRequest, notification_id: int) -> Notification | None:
    membership = request.membership  # type: ignore[attr-defined]
    notification = services.visible(membership).filter(pk=notification_id).first()
    if notification is None or not services.still_allowed(notification, membership):
        return None
    return notification


@scope_required({"POST": Scope.ORG_READ})
@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one of the person's notifications read (someone else's id: nothing changes)."""
    notification = _own(request, notification_id)
    if notification is not None and services.mark_read(request.membership, [notification.pk]):  # type: ignore[attr-defined]
        messages.success(request, "Marked as read.")
    return redirect("notifications:centre")


@scope_required({"POST": Scope.ORG_READ})
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification of the person here read."""
    changed = services.mark_all_read(request.membership)  # type: ignore[attr-defined]
    messages.success(request, f"{changed} marked as read." if changed else "Nothing was unread.")
    return redirect("notifications:centre")


@scope_required(Scope.ORG_READ)
def open_one(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link: mark it read, then go to its page (a path on this host only)."""
    notification = _own(request, notification_id)
    if notification is None:
        messages.error(request, "That notification is not one of yours here, or you can no longer open it.")
        return redirect("notifications:centre")
    services.mark_read(request.membership, [notification.pk])  # type: ignore[attr-defined]
    return redirect(safe_target(notification.url))


@scope_required({"GET": Scope.ORG_READ, "POST": Scope.ORG_READ})
def settings_page(request: HttpRequest) -> HttpResponse:
    """Per kind: in the hub only, one email each, or a daily digest."""
    current = services.preferences_of(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_set(request.user, form.choices())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)
