"""The demo has a draft return for Northmoor's last complete year, with the college's reports in it."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from core.dates import today
from hub.demo import demo_seed
from returns.demo import HISTORY
from returns.models import AnnualReturn
from returns.years import last_complete_year


def test_the_demo_assembles_northmoors_last_complete_year_once(db, world):
    by_slug = demo_seed()
    demo_seed()  # twice: nothing new

    with tenant_context(by_slug["northmoor"]):
        (draft,) = AnnualReturn.objects.all()
    assert draft.year_code == last_complete_year(today()).academic_year and draft.status == "draft"
    (college,) = draft.data["partners"]
    assert college["name"] == by_slug["northmoor-college"].name and college["included"]
    assert college["records"], "the college's reports received through the exchange are used"
    lines = {line["key"]: line for line in draft.data["lines"]}
    assert lines["speakers.rejected"]["own"] == sum(1 for h in HISTORY if h[3] == "rejected")  # last year's register
    assert lines["speakers.not_invited"]["own"] == 1
