"""The demo: courses, staff lists and completions at Northmoor and its college, some overdue; idempotent."""

import time

from django_tenants.utils import tenant_context

from core.dates import today
from hub import demo
from tenants.models import Organisation
from training import selectors
from training.demo import demo_training
from training.models import Completion, StaffMember


def test_the_demo_shows_partial_coverage_with_people_overdue_and_seeding_again_adds_nothing(db, world):
    by_slug = demo.demo_seed()
    counts = {}
    for slug in ("northmoor", "northmoor-college"):
        with tenant_context(Organisation.objects.get(slug=slug)):
            found = selectors.coverage(today())
            counts[slug] = (StaffMember.objects.count(), Completion.objects.count())
            assert 40 < found.percent < 90, slug
            assert found.overdue >= 4 and found.people_overdue >= 3
            assert any(i.status == "expired" for i in selectors.overdue(today()))
            assert any(i.status == "never" for i in selectors.overdue(today()))
            assert selectors.delivered_in(today().replace(year=today().year - 5), today())["induction"] > 0

    started = time.monotonic()
    demo_training(by_slug)
    assert time.monotonic() - started < 3
    for slug, before in counts.items():
        with tenant_context(Organisation.objects.get(slug=slug)):
            assert (StaffMember.objects.count(), Completion.objects.count()) == before
