"""The demo shows notifications: its people have some, naming no speaker or subject; seeding twice adds none."""

from __future__ import annotations

from django.core import mail
from django_tenants.utils import tenant_context

from hub import demo
from notifications.kinds import Kind
from notifications.models import Notification
from speakers.demo import EVENTS
from welfare.demo import NAMES


def _all(by_slug):
    found = {}
    for slug, organisation in by_slug.items():
        with tenant_context(organisation):
            found[slug] = sorted(Notification.objects.values_list("recipient__email", "kind", "text", "url"))
    return found


def test_the_demo_has_notifications_for_its_people_and_seeding_twice_adds_none(db, world):
    by_slug = demo.demo_seed()
    first = _all(by_slug)

    demo.demo_seed()

    assert _all(by_slug) == first
    kinds = {kind for rows in first.values() for _, kind, _, _ in rows}
    assert {Kind.AGREEMENT_TO_SIGN, Kind.ESCALATED, Kind.PAPERS_OUT, Kind.ACTION_DUE} <= kinds
    assert any(email == "amara.okafor@northmoor.example" for email, *_ in first["northmoor"])
    assert any(email == "priya.raman@eastbrook.example" for email, *_ in first["midshire-network"])
    names = [speaker for events in EVENTS.values() for _, speaker, *_ in events]
    names += [part for given, family in NAMES for part in (given, family)]
    said = " ".join(text for rows in first.values() for _, _, text, _ in rows)
    said += " ".join(f"{m.subject} {m.body}" for m in mail.outbox)
    for name in names:
        assert name.casefold() not in said.casefold(), name
