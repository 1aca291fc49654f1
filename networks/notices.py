"""Who is notified about a network's papers and actions (`notifications.services.notify`).

Members' people take part as members of the network organisation (one login), so notifications
are kept in the network's schema and reach its people on the network's host:

* A paper circulated: everyone who reads the network (`network:read`).
* Daily sweep: an open action due today or overdue, to the network's people who also belong to
  the member organisation that owns it, once per action and due date.

Texts name organisations and the meeting's date; never a paper's title or an action's words.
"""

from __future__ import annotations

from datetime import date

from core.dates import london_date
from core.dates import today as london_today
from networks.models import Action, ActionStatus, Meeting
from notifications.kinds import Kind
from notifications.services import notify
from notifications.tasks import register_sweep
from notifications.texts import day, short
from tenants.models import Membership, Organisation
from tenants.scopes import Scope


def papers_out(network: Organisation, meeting: Meeting) -> int:
    """Tell the network's readers a paper is out for `meeting`. Call inside the circulating transaction."""
    when = day(london_date(meeting.starts_at))
    text = f"A paper was circulated for the {short(network.name)} meeting on {when}"
    return len(
        notify(Kind.PAPERS_OUT, organisation=network, scope=Scope.NETWORK_READ, text=text,
               url=f"/network/meetings/{meeting.pk}/", object_id=meeting.pk)
    )  # fmt: skip


def sweep_actions_due(organisation: Organisation, on: date | None = None) -> int:
    """Daily, in a network's schema: open actions due today or earlier, to the owner organisation's people
    in the network. Returns how many were notified (none twice for the same action and due date)."""
    on = on or london_today()
    notified = 0
    due = Action.objects.filter(status=ActionStatus.OPEN, due_on__lte=on).select_related("meeting")
    for action in due.order_by("due_on", "pk"):
        owner = Organisation.objects.filter(pk=action.owner_organisation_id).first()
        if owner is None:
            continue
        people = Membership.objects.filter(organisation=organisation, user__memberships__organisation=owner)
        users = set(people.values_list("user_id", flat=True))
        if not users:
            continue
        met = day(london_date(action.meeting.starts_at))
        when = "is due today" if action.due_on == on else f"was due on {day(action.due_on)}"
        text = f"An action {short(owner.name)} took on at the {short(organisation.name)} meeting of {met} {when}"
        notified += len(
            notify(Kind.ACTION_DUE, organisation=organisation, scope=Scope.NETWORK_READ, text=text,
                   url="/network/actions/", users=users, key=f"network-action:{action.pk}:{action.due_on}")
        )  # fmt: skip
    return notified


def register() -> None:
    """Register the daily sweep (from `NetworksConfig.ready`)."""
    register_sweep(sweep_actions_due)
