"""A notification to many people travels as ONE message to the organisation's sockets.

`notify` to more than `PERSON_SENDS_MAX` people sends one channel-layer message to the
organisation's group carrying each recipient's own id and unread count. What a browser receives
must not change: exactly the shape `hub/static/hub/live.js` reads, with only that person's own
id and count, and nothing for anyone else (people × roles model of `test_live_isolation`, run
again here with every notification going through the organisation's group).
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import notify
from tenants.scopes import Scope
from tests.notifications import test_live_isolation as isolation
from tests.notifications.test_live_isolation import _deliver, _people, two_orgs  # noqa: F401 - fixture


@pytest.fixture
def everything_through_the_organisation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "PERSON_SENDS_MAX", 0)


def test_the_people_and_roles_model_holds_through_the_organisation_message(
    two_orgs,  # noqa: F811
    everything_through_the_organisation,
):
    isolation.test_a_notification_for_a_reaches_every_tab_of_as_holders_and_no_one_else(two_orgs)


def test_a_role_removed_before_delivery_still_means_nothing_arrives(
    two_orgs,  # noqa: F811
    everything_through_the_organisation,
):
    isolation.test_a_role_removed_before_delivery_means_nothing_arrives(two_orgs)


def test_any_people_and_any_scope_through_the_organisation_message(
    two_orgs,  # noqa: F811
    everything_through_the_organisation,
):
    isolation.test_any_people_and_any_scope_only_as_holders_receive(two_orgs)


def test_each_of_many_recipients_gets_the_browsers_shape_with_only_its_own_id_and_count(two_orgs):  # noqa: F811
    a, b = two_orgs
    assert services.PERSON_SENDS_MAX < 7
    officers = _people(a, [("safeguarding_officer",)] * 7)
    left_out = _people(a, [("prevent_lead",)])[0]  # holds the scope, but is not among `users`
    without = _people(a, [("reviewer",)])[0]  # among `users`, without the scope
    other_org = _people(b, [("safeguarding_officer",)])[0]
    with schema_context(a.schema_name):  # the first officer already has one unread notification
        Notification.objects.create(
            recipient=officers[0], kind=Kind.CONCERN, scope=str(Scope.WELFARE_TRIAGE), text="Earlier", url="/"
        )
    sockets = {u.pk: (a, u) for u in [*officers, left_out, without]} | {other_org.pk: (b, other_org)}

    def notify_many():
        with transaction.atomic():
            return notify(
                Kind.CONCERN,
                organisation=a,
                scope=Scope.WELFARE_TRIAGE,
                text="A new concern was raised at Alderley University",
                url="/welfare/triage/",
                users=[u.pk for u in [*officers, without, other_org]],
            )

    received, stored = _deliver(a, sockets, notify_many)

    by_recipient = {n.recipient_id: n.pk for n in stored}
    assert set(by_recipient) == {u.pk for u in officers}
    for number, officer in enumerate(officers):
        for tab in received[officer.pk]:
            assert len(tab) == 1, tab
            assert json.loads(tab[0]["text"]) == {
                "type": "notification",
                "payload": {
                    "event": "notification",
                    "id": by_recipient[officer.pk],
                    "kind": "concern",
                    "text": "A new concern was raised at Alderley University",
                    "url": "/welfare/triage/",
                    "unread": 2 if number == 0 else 1,
                },
            }
    for nobody in (left_out, without, other_org):
        assert received[nobody.pk] == [[], []]
    with schema_context(b.schema_name):
        assert not Notification.objects.exists()
