"""The heat map and the register's figures, against an independent count of the same risks."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from risks import selectors
from risks.models import Rating, Risk, RiskAction, RiskChange, rating_for
from tests.risks.conftest import TODAY

# Written out by hand, not computed: the band of every score 1..25 that can occur.
BANDS = {
    1: "low", 2: "low", 3: "low", 4: "low", 5: "medium", 6: "medium", 8: "medium", 9: "medium",
    10: "high", 12: "high", 15: "very_high", 16: "very_high", 20: "very_high", 25: "very_high",
}  # fmt: skip

risk_rows = st.lists(
    st.tuples(
        st.integers(1, 5),  # likelihood
        st.integers(1, 5),  # impact
        st.sampled_from(["open", "accepted", "closed"]),
        st.sampled_from(["speakers_events", "welfare", "it", "training"]),
        st.integers(-3, 3),  # review in days
    ),
    max_size=25,
)


def test_every_score_falls_in_the_band_written_out_by_hand():
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            assert rating_for(likelihood, impact) == BANDS[likelihood * impact]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=risk_rows)
def test_the_heat_map_and_the_figures_count_what_an_independent_count_finds(org_a, lead, rows):
    with tenant_context(org_a):
        RiskChange.objects.all().delete()
        RiskAction.objects.all().delete()
        Risk.objects.all().delete()
        Risk.objects.bulk_create(
            [
                Risk(
                    title=f"Risk {i}",
                    category=category,
                    likelihood=lk,
                    impact=im,
                    owner=lead,
                    review_on=TODAY + timedelta(days=review),
                    status=status,
                )  # fmt: skip
                for i, (lk, im, status, category, review) in enumerate(rows)
            ]
        )
        grid = selectors.heat_map()
        figures = selectors.overview(TODAY)

    current = [r for r in rows if r[2] != "closed"]
    cells = Counter((lk, im) for lk, im, *_ in current)
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            assert grid.count(likelihood, impact) == cells[(likelihood, impact)]
    assert [cell.likelihood for cell in grid.rows[0]] == [5] * 5  # drawn with likelihood 5 at the top
    assert grid.total == len(current) == figures.current
    bands = Counter(BANDS[lk * im] for lk, im, *_ in current)
    assert figures.by_rating == {r.value: bands[r.value] for r in Rating}
    by_category = Counter((category, BANDS[lk * im]) for lk, im, _, category, _ in current)
    for category, counts in figures.by_category.items():
        for band, n in counts.items():
            assert n == by_category[(category, band)]
    assert figures.reviews_due == sum(1 for r in current if r[4] <= 0)
    assert figures.closed == len(rows) - len(current)


def test_open_and_overdue_actions_are_counted_from_the_due_dates(org_a, lead, add_action):
    add_action(due_on=TODAY - timedelta(days=1), past=True)
    add_action(due_on=TODAY - timedelta(days=30), past=True, status="in_progress")
    add_action(due_on=TODAY)
    add_action(due_on=TODAY - timedelta(days=5), status="done")
    with tenant_context(org_a):
        figures = selectors.overview(TODAY)
    assert (figures.actions_open, figures.actions_overdue) == (3, 2)
