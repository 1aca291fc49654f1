"""The welfare demo: every stage and outcome, two terms, names spread across outcomes; idempotent."""

from datetime import timedelta

from django_tenants.utils import tenant_context

from core.dates import today
from hub import demo
from tenants.models import Organisation
from welfare.choices import ConcernStatus, IdeologyCategory, Outcome
from welfare.models import Case, Concern, Meeting


def test_the_demo_partner_and_its_university_have_cases_in_every_stage_and_every_outcome(db, world):
    demo.demo_seed()
    demo.demo_seed()

    for slug in ("northmoor-college", "northmoor"):
        with tenant_context(Organisation.objects.get(slug=slug)):
            cases = list(Case.objects.all())
            assert len(cases) == 14  # the second run added nothing
            assert {c.outcome for c in cases} == {"", *Outcome.values}
            assert {c.ideology_category for c in cases} >= set(IdeologyCategory.values)
            reached = {sum(d is not None for d in (c.prevent_lead_involved_on, c.external_advice_sought_on,
                                                  c.formal_referral_made_on)) for c in cases}  # fmt: skip
            assert reached == {0, 1, 2, 3}
            assert min(c.opened_on for c in cases) < today() - timedelta(days=180)  # two terms back
            assert {c.status for c in cases} == {"open", "closed"}
            assert set(Concern.objects.values_list("status", flat=True)) == set(ConcernStatus.values)
            assert Meeting.objects.count() == 3
            # No name carries an outcome: each outcome's subjects are all different people.
            names_by_outcome = {o: {c.subject_name for c in cases if c.outcome == o} for o in Outcome.values}
            assert all(len(names) == 2 for names in names_by_outcome.values())
            assert len({c.subject_name for c in cases}) == len(cases)
