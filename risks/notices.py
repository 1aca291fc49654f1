"""Daily sweep: actions of the risk action plan due today or overdue (`notifications.services.notify`).

Each action names its owner, who is told (while they may read the plan, `risks:read`), once per
action and due date. The text never quotes the action's title (free text).
"""

from __future__ import annotations

from datetime import date

from core.dates import today as london_today
from notifications.kinds import Kind
from notifications.services import notify
from notifications.tasks import register_sweep
from notifications.texts import day, short
from risks.models import ActionStatus, RiskAction
from tenants.models import Organisation
from tenants.scopes import Scope


def sweep_actions_due(organisation: Organisation, on: date | None = None) -> int:
    """Daily, in `organisation`'s schema: its plan's actions not done and due today or earlier, to their owners.

    Returns how many were notified (none twice for the same action and due date).
    """
    on = on or london_today()
    notified = 0
    due = RiskAction.objects.exclude(status=ActionStatus.DONE).filter(due_on__lte=on)
    for action in due.order_by("due_on", "pk"):
        when = "is due today" if action.due_on == on else f"was due on {day(action.due_on)}"
        text = f"An action of the {short(organisation.name)} risk action plan that you own {when}"
        notified += len(
            notify(Kind.ACTION_DUE, organisation=organisation, scope=Scope.RISKS_READ, text=text,
                   url="/risks/actions/", users=[action.owner_id],
                   key=f"risk-action:{action.pk}:{action.due_on}")
        )  # fmt: skip
    return notified


def register() -> None:
    """Register the daily sweep (from `RisksConfig.ready`)."""
    register_sweep(sweep_actions_due)
