"""The demo's network figures agree with the member's own records (a new user's first look)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django_tenants.utils import tenant_context

from core.dates import today
from hub.demo import demo_seed
from partners.periods import terms_ended_by
from speakers.models import Decision
from tenants.models import User
from tests.html_text import visible_text

LONDON = ZoneInfo("Europe/London")


def test_amaras_figures_beside_the_silver_groups_are_northmoors_own_decisions(db, world, client_on):
    """Amara's dashboard shows "Yours" beside the Silver group's: it must be Northmoor's decisions that term.

    Before the fix the demo sent the figures before the return's demo imported last year's register,
    so "Yours" read 0 while the speaker chart on the same page showed that term's decisions.
    """
    by_slug = demo_seed()
    northmoor = by_slug["northmoor"]
    term = terms_ended_by(today(), 1)[0]
    with tenant_context(northmoor):
        decided = [d.decided_at.astimezone(LONDON).date() for d in Decision.objects.all()]
    in_term = sum(1 for day in decided if term.start <= day <= term.end)
    assert in_term, "the demo has decisions in the last complete term (last year's register)"

    amara = User.objects.get(email="amara.okafor@northmoor.example")
    text = visible_text(client_on(northmoor, amara).get("/"))

    assert f"Riverside Silver Group, {term.label}" in text
    figures = text[text.index("yours and the network's: the figures") :]
    yours_total = re.search(r"\bTotal (\d+) ", figures)
    assert yours_total is not None, figures[:400]
    assert int(yours_total.group(1)) == in_term
