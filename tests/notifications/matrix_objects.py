"""Real objects behind the notification centre's URL kwargs, for the role × page matrix (tests/hub)."""

from __future__ import annotations

from collections.abc import Callable

from notifications import services
from notifications.kinds import Kind
from tenants.models import Organisation, User
from tenants.scopes import Scope


def notifications_objects(home: Organisation, member: Callable[..., User]) -> dict[str, int]:
    """`notification_id`: one notification of a Prevent lead of `home`. Every member may ask to read or
    open it; for anyone else it is not theirs and is ignored (nothing changes), never a 403 or 404."""
    lead = member(home, "prevent_lead")
    (notification,) = services.notify(
        Kind.AGREEMENT_CHANGED, organisation=home, scope=Scope.AGREEMENTS_READ,
        text="An agreement with Brackenford University was suspended", url="/agreements/", users=[lead.pk],
    )  # fmt: skip
    return {"notification_id": notification.pk}
