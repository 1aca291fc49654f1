"""Pages under /network/ on an organisation's host.

On a network's (or group's) own host: its members, meetings, papers, minutes, actions and search.
On any organisation's host: the networks it belongs to and invitations waiting for it (public
`member_of` links and invitations only: another organisation's schema is never read here).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from core.audit import audit_record
from hub.charts import bar_chart
from hub.forms_util import add_service_errors
from hub.hosts import organisation_url
from networks import selectors, services
from networks.calendar import CONTENT_TYPE, meetings_ics
from networks.forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    PaperForm,
    StandingItemForm,
)
from networks.models import Action, Paper, StandingItem
from tenants.models import NetworkInvitation, NetworkInvitationStatus, Organisation
from tenants.scopes import Scope, scope_required, scopes_of

READ = Scope.NETWORK_READ
CONVENE = Scope.NETWORK_CONVENE


def _can(request: HttpRequest, scope: Scope) -> bool:
    return scope in scopes_of(getattr(request, "membership", None))


def _is_network(organisation: Organisation) -> bool:
    return organisation.kind in services.CONVENING_KINDS


@scope_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    network = request.tenant
    now_members = list(selectors.member_organisations(network))
    context = {
        "is_network": _is_network(network),
        "members": now_members,
        "convenors": list(selectors.convenors_of(network)),
        "represented": selectors.represented_organisations(network, request.user),
        "upcoming": list(selectors.meetings_upcoming()[:5]),
        "past": list(selectors.meetings_past()[:5]),
        "overdue": selectors.overdue_actions().count(),
        "networks_of": _with_urls(request, selectors.networks_of(network)),
        "invitations_received": _waiting_invitations(network),
        "can_convene": _can(request, CONVENE),
        "can_answer": _can(request, Scope.NETWORK_MEMBERSHIP),
    }
    return render(request, "networks/home.html", context)


def _with_urls(request: HttpRequest, organisations: Iterable[Organisation]) -> list[tuple[Organisation, str]]:
    """Each network with the address of its own site (public data: its slug)."""
    return [(o, organisation_url(request, o.slug, "/network/")) for o in organisations]


def _waiting_invitations(organisation: Organisation) -> list[NetworkInvitation]:
    pending = NetworkInvitation.objects.filter(invited=organisation, status=NetworkInvitationStatus.PENDING)
    return [i for i in pending.select_related("network") if i.is_open()]


# --- Members and invitations (the network's host) -----------------------------------------------


def _members_context(request: HttpRequest, form: InviteForm) -> dict[str, object]:
    network = request.tenant
    sent = NetworkInvitation.objects.filter(network=network).select_related("invited")[:50]
    return {
        "is_network": _is_network(network),
        "members": list(selectors.member_organisations(network)),
        "convenors": list(selectors.convenors_of(network)),
        "invitations": list(sent),
        "form": form,
        "can_convene": _can(request, CONVENE),
    }


@scope_required({"GET": READ, "POST": CONVENE})
def members(request: HttpRequest) -> HttpResponse:
    network = request.tenant
    form = InviteForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                network=network,
                invited=form.cleaned_data["invited"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Invitation sent to {invitation.invited}: their organisation admin accepts it on their site."
            )
            return redirect("networks:members")
    status = 400 if request.method == "POST" else 200
    return render(request, "networks/members.html", _members_context(request, form), status=status)


@scope_required(CONVENE)
@require_POST
def member_remove(request: HttpRequest) -> HttpResponse:
    network = request.tenant
    member = selectors.member_organisations(network).filter(pk=_int(request.POST.get("organisation"))).first()
    if member is None:
        messages.error(request, "Choose a member organisation to remove.")
        return redirect("networks:members")
    services.membership_end(actor=request.user, network=network, member=member, reason="removed")
    messages.success(request, f"{member} is no longer a member. Its past minutes and actions stay in the record.")
    return redirect("networks:members")


@scope_required(CONVENE)
@require_POST
def invitation_withdraw(request: HttpRequest) -> HttpResponse:
    network = request.tenant
    invitation = NetworkInvitation.objects.filter(network=network, pk=_int(request.POST.get("invitation"))).first()
    if invitation is None:
        messages.error(request, "Choose an invitation to withdraw.")
        return redirect("networks:members")
    try:
        services.invitation_withdraw(actor=request.user, network=network, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The invitation to {invitation.invited} was withdrawn.")
    return redirect("networks:members")


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


# --- Our memberships (a member organisation's own host) ---------------------------------------


@scope_required({"GET": READ, "POST": Scope.NETWORK_MEMBERSHIP})
def memberships(request: HttpRequest) -> HttpResponse:
    """Invitations to this organisation and the networks it belongs to: accept, decline, leave."""
    organisation = request.tenant
    if request.method == "POST":
        choice = request.POST.get("answer", "")
        if choice in {"accept", "decline"}:
            invitation = NetworkInvitation.objects.filter(
                invited=organisation, pk=_int(request.POST.get("invitation"))
            ).first()
            if invitation is None:
                messages.error(request, "That invitation is not to your organisation.")
            else:
                try:
                    services.invitation_answer(
                        actor=request.user, organisation=organisation, invitation=invitation, accept=choice == "accept"
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    done = "joined" if choice == "accept" else "declined the invitation to"
                    messages.success(request, f"{organisation} {done} {invitation.network}.")
                    return redirect("networks:memberships")
        elif choice == "leave":
            network = selectors.networks_of(organisation).filter(pk=_int(request.POST.get("network"))).first()
            if network is None:
                messages.error(request, "Choose a network your organisation is a member of.")
            else:
                services.membership_end(actor=request.user, network=network, member=organisation, reason="left")
                messages.success(request, f"{organisation} left {network}. Its past minutes and actions stay there.")
                return redirect("networks:memberships")
        else:
            messages.error(request, "Choose to accept or decline an invitation, or to leave a network.")
    context = {
        "networks_of": _with_urls(request, selectors.networks_of(organisation)),
        "invitations_received": _waiting_invitations(organisation),
        "can_answer": _can(request, Scope.NETWORK_MEMBERSHIP),
    }
    return render(request, "networks/memberships.html", context, status=400 if request.method == "POST" else 200)


# --- Meetings ---------------------------------------------------------------------------------


@scope_required({"GET": READ, "POST": CONVENE})
def meetings(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request.user,
                network=request.tenant,
                data=services.MeetingData(
                    title=data["title"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    location=data["location"],
                    online_link=data["online_link"],
                    record_past=data["record_past"],
                ),
                agenda=data["agenda"].splitlines(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Meeting scheduled: {meeting.title}. Add papers and agenda items below.")
            return redirect("networks:meeting", meeting_id=meeting.pk)
    context = {
        "upcoming": list(selectors.meetings_upcoming()),
        "past": list(selectors.meetings_past()[:50]),
        "form": form,
        "can_convene": _can(request, CONVENE),
    }
    return render(request, "networks/meetings.html", context, status=400 if request.method == "POST" else 200)


def _meeting_context(request: HttpRequest, meeting_id: int, **forms: object) -> dict[str, object]:
    meeting = selectors.meeting_get(meeting_id)
    actions = list(meeting.actions.all())
    names = selectors.organisation_names({a.owner_organisation_id for a in actions})
    members_now = selectors.member_organisations(request.tenant)
    return {
        "meeting": meeting,
        "agenda": list(meeting.agenda_items.all()),
        "papers": list(meeting.papers.defer("content")),
        "actions": [(a, names.get(a.owner_organisation_id, "")) for a in actions],
        "can_convene": _can(request, CONVENE),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(prefix="agenda"),
        "paper_form": forms.get("paper_form") or PaperForm(prefix="paper"),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes}),
        "action_form": forms.get("action_form") or ActionForm(prefix="action", members=members_now),
    }


@scope_required(READ)
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    return render(request, "networks/meeting_detail.html", _meeting_context(request, meeting_id))


def _meeting_form_response(request: HttpRequest, meeting_id: int, **forms: object) -> HttpResponse:
    return render(request, "networks/meeting_detail.html", _meeting_context(request, meeting_id, **forms), status=400)


@scope_required(CONVENE)
@require_POST
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(meeting_id)
    form = AgendaItemForm(request.POST, prefix="agenda")
    if form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, network=request.tenant, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Agenda item added.")
            return redirect("networks:meeting", meeting_id=meeting.pk)
    return _meeting_form_response(request, meeting_id, agenda_form=form)


@scope_required(CONVENE)
@require_POST
def paper_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(meeting_id)
    form = PaperForm(request.POST, request.FILES, prefix="paper")
    if form.is_valid():
        try:
            services.paper_circulate(
                actor=request.user,
                network=request.tenant,
                meeting=meeting,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Paper circulated: members reading the network are told now.")
            return redirect("networks:meeting", meeting_id=meeting.pk)
    return _meeting_form_response(request, meeting_id, paper_form=form)


@scope_required(CONVENE)
@require_POST
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(meeting_id)
    form = MinutesForm(request.POST, prefix="minutes")
    if form.is_valid():
        try:
            if request.POST.get("approve"):
                services.minutes_approve(actor=request.user, network=request.tenant, meeting=meeting)
                done = "Minutes approved."
            else:
                services.minutes_record(
                    actor=request.user, network=request.tenant, meeting=meeting, minutes=form.cleaned_data["minutes"]
                )
                done = "Minutes recorded."
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("networks:meeting", meeting_id=meeting.pk)
    return _meeting_form_response(request, meeting_id, minutes_form=form)


@scope_required(CONVENE)
@require_POST
def action_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(meeting_id)
    form = ActionForm(request.POST, prefix="action", members=selectors.member_organisations(request.tenant))
    if form.is_valid():
        try:
            action = services.action_record(
                actor=request.user, network=request.tenant, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Action recorded for {action.owner_organisation}.")
            return redirect("networks:meeting", meeting_id=meeting.pk)
    return _meeting_form_response(request, meeting_id, action_form=form)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@scope_required(READ)
def meeting_ics(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(meeting_id)
    body = meetings_ics([meeting], network=request.tenant, host=request.get_host().split(":")[0])
    return _ics_response(body, f"meeting-{meeting.pk}.ics")


@scope_required(READ)
def calendar_feed(request: HttpRequest) -> HttpResponse:
    upcoming = selectors.meetings_upcoming().prefetch_related("agenda_items")
    body = meetings_ics(upcoming, network=request.tenant, host=request.get_host().split(":")[0])
    return _ics_response(body, f"{request.tenant.slug}-meetings.ics")


@scope_required(READ)
def paper_download(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=paper_id)
    if not paper.has_file:
        raise Http404("This paper has no file; its text is on the meeting's page.")
    audit_record(
        action="network.paper_download",
        actor=request.user,
        organisation_id=request.tenant.pk,
        target=paper,
        detail={"paper": paper.pk, "meeting": paper.meeting_id},
    )
    response = HttpResponse(bytes(paper.content), content_type=paper.content_type)
    response["Content-Disposition"] = content_disposition_header(True, paper.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Actions, standing items, search, the member's own view -------------------------------------


def _overdue_chart(network: Organisation) -> object:
    rows = selectors.overdue_by_owner(network)
    names = [r.organisation + ("" if r.is_member else " (former member)") for r in rows]
    return bar_chart(
        "Overdue actions by owner organisation",
        names,
        {"Overdue": [r.overdue for r in rows], "Open, not yet due": [r.open - r.overdue for r in rows]},
        stacked=True,
        horizontal=True,
        category_label="Owner organisation",
        y_title="Actions",
        note="Open actions only; done and cancelled actions are not counted.",
    )


@scope_required(READ)
def actions(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.actions_of())
    names = selectors.organisation_names({a.owner_organisation_id for a in rows})
    context = {
        "actions": [(a, names.get(a.owner_organisation_id, "")) for a in rows],
        "chart": _overdue_chart(request.tenant) if _can(request, CONVENE) else None,
        "can_convene": _can(request, CONVENE),
        "status_form": ActionStatusForm(),
    }
    return render(request, "networks/actions.html", context)


@scope_required(CONVENE)
@require_POST
def action_status(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(Action, pk=action_id)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a status: open, done or cancelled.")
        return redirect("networks:actions")
    services.action_set_status(actor=request.user, network=request.tenant, action=action, **form.cleaned_data)
    messages.success(request, f"Action marked {action.get_status_display().lower()}.")
    return redirect("networks:actions")


@scope_required({"GET": READ, "POST": CONVENE})
def standing_items(request: HttpRequest) -> HttpResponse:
    form = StandingItemForm(request.POST or None)
    if request.method == "POST":
        retire = StandingItem.objects.filter(pk=_int(request.POST.get("retire"))).first()
        if retire is not None:
            services.standing_item_set_active(actor=request.user, network=request.tenant, item=retire, active=False)
            messages.success(request, f"'{retire.title}' will no longer be added to new meetings.")
            return redirect("networks:standing_items")
        if form.is_valid():
            try:
                item = services.standing_item_add(
                    actor=request.user, network=request.tenant, title=form.cleaned_data["title"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"'{item.title}' will be on every meeting's agenda scheduled from now on.")
                return redirect("networks:standing_items")
    context = {"items": list(StandingItem.objects.all()), "form": form, "can_convene": _can(request, CONVENE)}
    return render(request, "networks/standing_items.html", context, status=400 if request.method == "POST" else 200)


@scope_required(READ)
def search(request: HttpRequest) -> HttpResponse:
    results = selectors.search(request.GET.get("q", ""))
    names = selectors.organisation_names({a.owner_organisation_id for a in results.actions})
    context = {"results": results, "actions": [(a, names.get(a.owner_organisation_id, "")) for a in results.actions]}
    return render(request, "networks/search.html", context)


@scope_required(READ)
def for_member(request: HttpRequest) -> HttpResponse:
    """What concerns one member organisation the person speaks for: upcoming meetings, papers, its actions."""
    network = request.tenant
    represented = selectors.represented_organisations(network, request.user)
    chosen = None
    if request.GET.get("for"):
        chosen = next((o for o in represented if o.pk == _int(request.GET["for"])), None)
        if chosen is None:
            raise Http404("You do not speak for that organisation in this network.")
    elif len(represented) == 1:
        chosen = represented[0]
    upcoming = list(
        selectors.meetings_upcoming().prefetch_related(Prefetch("papers", queryset=Paper.objects.defer("content")))
    )
    context = {
        "represented": represented,
        "chosen": chosen,
        "upcoming": upcoming,
        "actions": list(selectors.actions_of(chosen)) if chosen else [],
    }
    return render(request, "networks/for_member.html", context)
