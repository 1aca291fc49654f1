"""Pages under /library/: find write-ups of good practice; publish, edit and withdraw our own.

Each view parses input, calls one selector or service and renders. A write-up the person may not
see (someone else's draft or withdrawn one) is 404, like a missing one; changing one that is not
ours is 404 too (`selectors.practice_get_ours`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hub.forms_util import add_service_errors
from hub.hosts import organisation_url
from library import selectors, services
from library.choices import Theme
from library.forms import PracticeForm, SearchForm
from networks.selectors import networks_of
from tenants.models import OrganisationKind
from tenants.scopes import Scope, scope_required

PAGE = 20


def _networks(request: HttpRequest) -> list[dict[str, str]]:
    """The libraries of the networks and groups this organisation is a member of (links to their sites)."""
    others = networks_of(request.tenant)
    return [{"name": o.name, "url": organisation_url(request, o.slug, "/library/")} for o in others]


@scope_required(Scope.LIBRARY_READ)
def library(request: HttpRequest) -> HttpResponse:
    """Search and browse the published write-ups, by words and by theme."""
    form = SearchForm(request.GET or None)
    words, theme = "", ""
    if form.is_valid():
        words, theme = form.cleaned_data["q"], form.cleaned_data["theme"]
    found = selectors.practices_found(request.tenant, words=words, theme=theme)
    page = Paginator(found.practices, PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "found": found,
        "searching": bool(found.words or found.theme),
        "theme_label": Theme(found.theme).label if found.theme else "",
        "theme_counts": [(Theme(v), n) for v, n in selectors.theme_counts(request.tenant).items()],
        "can_publish": selectors.may_publish(request.tenant, request.user),
        "is_shared": request.tenant.kind in (OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP),
        "networks": _networks(request),
    }
    return render(request, "library/index.html", context, status=200 if form.is_valid() or not request.GET else 400)


@scope_required(Scope.LIBRARY_PUBLISH)
def ours(request: HttpRequest) -> HttpResponse:
    """Our write-ups in every state: drafts to finish, published ones, withdrawn ones."""
    rows = selectors.practices_ours(request.tenant, request.user)
    speaking_for = selectors.speaks_for(request.tenant, request.user)
    return render(request, "library/ours.html", {"practices": rows, "speaking_for": speaking_for})


@scope_required(Scope.LIBRARY_READ)
def detail(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = selectors.practice_get(request.tenant, request.user, practice_id)
    context = {"practice": practice, "is_ours": selectors.is_ours(practice, request.tenant, request.user)}
    return render(request, "library/detail.html", context)


def _form(request: HttpRequest, initial: dict[str, object] | None = None) -> PracticeForm:
    choices = selectors.speaks_for(request.tenant, request.user)
    return PracticeForm(request.POST if request.method == "POST" else None, initial=initial, choices=choices)


@scope_required(Scope.LIBRARY_PUBLISH)
def new(request: HttpRequest) -> HttpResponse:
    """Write up a practice: save it as a draft, or publish it at once."""
    form = _form(request)
    if request.method == "POST" and form.is_valid():
        publish = "publish" in request.POST
        try:
            practice = services.practice_create(
                actor=request.user, organisation=request.tenant, text=form.text(),
                speaks_for=form.organisation(), publish=publish,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Published: it is now in the library." if publish else "Saved as a draft.")
            return redirect("library:detail", practice_id=practice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "library/form.html", {"form": form, "practice": None}, status=status)


@scope_required(Scope.LIBRARY_PUBLISH)
def edit(request: HttpRequest, practice_id: int) -> HttpResponse:
    """Change what one of our write-ups says; it stays a draft, published or withdrawn as it was."""
    practice = selectors.practice_get_ours(request.tenant, request.user, practice_id)
    initial = {
        "speaks_for": str(practice.organisation_id), "title": practice.title, "summary": practice.summary,
        "practice": practice.practice, "what_worked": practice.what_worked, "contact_role": practice.contact_role,
        "themes": practice.themes, "show_author": practice.show_author,
    }  # fmt: skip
    form = _form(request, initial)
    del form.fields["speaks_for"]  # the write-up stays attributed to whom it was from
    if request.method == "POST" and form.is_valid():
        try:
            services.practice_edit(actor=request.user, organisation=request.tenant, practice=practice, text=form.text())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("library:detail", practice_id=practice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "library/form.html", {"form": form, "practice": practice}, status=status)


def _change(request: HttpRequest, practice_id: int, service: object, done: str) -> HttpResponse:
    practice = selectors.practice_get_ours(request.tenant, request.user, practice_id)
    try:
        service(actor=request.user, organisation=request.tenant, practice=practice)  # type: ignore[operator]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("library:detail", practice_id=practice.pk)


@scope_required({"POST": Scope.LIBRARY_PUBLISH})
def publish(request: HttpRequest, practice_id: int) -> HttpResponse:
    return _change(request, practice_id, services.practice_publish, "Published: it is now in the library.")


@scope_required({"POST": Scope.LIBRARY_PUBLISH})
def withdraw(request: HttpRequest, practice_id: int) -> HttpResponse:
    return _change(
        request, practice_id, services.practice_withdraw,
        "Withdrawn: it no longer appears in the library. You can still see it here and publish it again.",
    )  # fmt: skip
