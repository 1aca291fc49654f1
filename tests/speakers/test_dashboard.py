"""The dashboard's "Speaker and event requests over time": decisions per term by outcome, counted once."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from core.dates import LONDON
from core.dates import today as london_today
from speakers import dashboard
from speakers.choices import Outcome, Status
from speakers.models import Decision, EventRequest
from tests.html_text import visible_text


def _decide(organiser, outcome: str, at: datetime) -> None:
    request = EventRequest.objects.create(title="Debate", organiser=organiser, status=Status.DECIDED)
    Decision.objects.create(request=request, outcome=outcome, decided_by=organiser, decided_at=at, reasons="Test.")


def _independent_term(day: date) -> str:
    """The term's code, worked out here from the calendar (not from partners.periods)."""
    if day.month >= 9:
        return f"{day.year}-{(day.year + 1) % 100:02d}-autumn"
    start = day.year - 1
    name = "spring" if day.month <= 3 else "summer"
    return f"{start}-{day.year % 100:02d}-{name}"


@pytest.fixture
def decisions(org_a, member):
    """About 60 decisions spread over the last two years (some outside the six terms), each outcome."""
    organiser = member(org_a, "organiser")
    rng = random.Random(11)
    today = london_today()
    made: list[tuple[date, str]] = []
    with tenant_context(org_a):
        for _ in range(60):
            day = today - timedelta(days=rng.randrange(0, 800))
            outcome = rng.choice(Outcome.values)
            # Late evening London time: in BST that is the next day in UTC; it must count on the London day.
            _decide(organiser, outcome, datetime.combine(day, time(23, 30), tzinfo=LONDON))
            made.append((day, outcome))
    return made


def test_counts_per_term_and_outcome_match_an_independent_count_in_one_query(org_a, decisions):
    # given: the six terms the card shows, and the same count done by hand here
    terms = dashboard.last_terms(london_today())
    codes = [t.code for t in terms]
    expected = Counter((_independent_term(day), outcome) for day, outcome in decisions)
    expected = Counter({key: n for key, n in expected.items() if key[0] in codes})

    # when
    with tenant_context(org_a), CaptureQueriesContext(connection) as queries:
        counted = dashboard.outcomes_by_term(terms)

    # then
    assert counted == expected
    reads = [q["sql"] for q in queries.captured_queries if "speakers_decision" in q["sql"]]
    assert len(reads) == 1, reads  # (the other statement is django-tenants setting the search path)
    assert len(queries) <= 2
    assert sum(expected.values()) > 0


def test_the_six_terms_run_oldest_first_and_end_with_the_current_one():
    terms = dashboard.last_terms(date(2026, 2, 10))
    assert [t.code for t in terms] == [
        "2023-24-summer", "2024-25-autumn", "2024-25-spring", "2024-25-summer", "2025-26-autumn", "2025-26-spring",
    ]  # fmt: skip
    assert [(t.start, t.end) for t in terms][-1] == (date(2026, 1, 1), date(2026, 3, 31))


def test_the_figures_on_the_dashboard_are_the_figures_in_its_table(org_a, member, client_on, decisions):
    # given
    lead = member(org_a, "prevent_lead")
    terms = dashboard.last_terms(london_today())
    with tenant_context(org_a):
        counted = dashboard.outcomes_by_term(terms)

    # when
    page = client_on(org_a, lead).get("/").content.decode()
    text = visible_text(page)

    # then: the table's rows, read back from the page, hold the same counts as the independent one
    table = page.split('data-testid="speaker-outcomes"', 1)[1].split("</table>", 1)[0]
    rows = [visible_text(r).split() for r in table.split("<tr>")[2:]]
    names = list(dashboard.OUTCOME_NAMES)
    assert len(rows) == 6
    for term, row in zip(terms, rows, strict=True):
        numbers = row[-5:]
        for outcome, shown in zip(names, numbers, strict=True):
            want = counted.get((term.code, outcome), 0)
            assert shown == str(want) or (shown == "data" and want == 0), (term.code, outcome, shown, want)
    assert "Speaker and event requests over time" in text
    total = sum(counted.values())
    assert f"{total} decision{'s' if total != 1 else ''} in the last six terms, by outcome." in text
    assert "Decision not to invite" in text and "Approved with mitigations" in text
    # and the bars drawn add up to the same total (pygal writes each bar's value into the SVG)
    svg = page.split('data-testid="speaker-outcomes"', 1)[1].split("</svg>", 1)[0]
    assert sum(int(v) for v in re.findall(r'<desc class="value">(\d+)</desc>', svg)) == total


@pytest.mark.parametrize("role", ["prevent_lead", "auditor", "reviewer"])
def test_those_who_see_the_register_review_or_audit_see_the_card(org_a, member, client_on, role):
    text = visible_text(client_on(org_a, member(org_a, role)).get("/"))
    assert "Speaker and event requests over time" in text
    assert "No speaker or event request was decided in the last six terms." in text


@pytest.mark.parametrize("role", ["organiser", "safeguarding_officer", "dpo", "coordinator"])
def test_others_do_not_see_it(org_a, member, client_on, role, decisions):
    text = visible_text(client_on(org_a, member(org_a, role)).get("/"))
    assert "Speaker and event requests over time" not in text


def test_terms_before_the_organisation_joined_are_no_data_not_zero(org_a):
    with tenant_context(org_a):
        chart, total = dashboard.chart_for(date(2026, 11, 20), joined=date(2026, 1, 15))
    rows = {row[0]: row[1:] for row in chart.rows}
    assert total == 0
    assert rows["Spring term 2024/25"] == ["no data"] * 5  # ended before we joined, nothing recorded
    assert rows["Spring term 2025/26"] == ["0"] * 5  # we had joined by its end
    assert rows["Autumn term 2026/27 (so far)"] == ["0"] * 5
