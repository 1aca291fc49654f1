"""Real objects behind the networks' URL kwargs, for the role × page matrix (tests/hub/test_rights_matrix.py).

The matrix runs on `home`'s host (a provider): the network pages serve whatever organisation's
host they are on, so the objects are made in `home`'s own schema. `home` has no member
organisations, so the action (owned by another organisation) is written directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from core.dates import today
from networks import services
from networks.models import Action
from tenants.models import Organisation, User


def networks_objects(home: Organisation, member: Callable[..., User]) -> dict[str, int]:
    """`meeting_id` (a past meeting), `paper_id` (a PDF paper of it), `action_id` (an action of it) in `home`."""
    other = Organisation.objects.exclude(pk=home.pk).exclude(kind="platform").order_by("pk").first()
    with tenant_context(home):
        meeting = services.meeting_schedule(
            actor=None,
            network=home,
            data=services.MeetingData(
                title="Matrix meeting",
                starts_at=timezone.now() - dt.timedelta(days=1),
                location="Hall",
                record_past=True,
            ),
        )
        paper = services.paper_circulate(
            actor=None,
            network=home,
            meeting=meeting,
            title="Matrix paper",
            upload=SimpleUploadedFile("matrix.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        action = Action.objects.create(
            meeting=meeting, description="Matrix action", owner_organisation=other, due_on=today()
        )
    return {"meeting_id": meeting.pk, "paper_id": paper.pk, "action_id": action.pk}
