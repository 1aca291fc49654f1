"""What speaker requests put on an organisation's dashboard (see hub.panels).

"Speaker and event requests over time": decisions on requests in each of the last six UK academic
terms (`partners.periods`: autumn 1 Sep–31 Dec, spring 1 Jan–31 Mar, summer 1 Apr–31 Aug, the
current term so far last), by outcome — approved, approved with mitigations, rejected, withdrawn
by the organiser, decision not to invite the speaker (`speakers.choices.Outcome`) — as stacked
bars with the same figures in a table (`hub.charts`). Withdrawals and decisions not to invite
are shown because the regulator's own data misses them (issue 11, the annual Prevent return).

A term is "no data" (a gap, not a zero) when it ended before the organisation joined the hub and
nothing was decided in it (no records, e.g. no imported history); otherwise a missing outcome is 0.

Only people who may see the whole register, review, or audit (`speakers:read_all`,
`speakers:review`, `speakers:audit`) see the card: the figures are about every request.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db import connection
from django.db.models import Case, CharField, Count, Q, Value, When
from django.http import HttpRequest

from core.dates import day_ends, day_starts, london_date
from core.dates import today as london_today
from hub.charts import Chart, bar_chart
from hub.charts import Value as ChartValue
from hub.panels import Panel
from partners.periods import Period, previous_term, term_containing
from speakers.choices import Outcome
from speakers.models import Decision
from tenants.scopes import Scope, allows, scopes_of

SEES_FIGURES = (Scope.SPEAKERS_READ_ALL, Scope.SPEAKERS_REVIEW, Scope.SPEAKERS_AUDIT)
TERMS = 6
TITLE = "Speaker and event requests over time"
# Shorter names for the legend and the table's headings; the order is the chart's stacking order.
_SHORTER = {"withdrawn": "Withdrawn", "speaker_not_invited": "Decision not to invite"}  # Outcome values
OUTCOME_NAMES: dict[str, str] = {value: _SHORTER.get(value, label) for value, label in Outcome.choices}


def last_terms(day: date, count: int = TERMS) -> list[Period]:
    """The term `day` falls in and the `count - 1` before it, oldest first."""
    terms = [term_containing(day)]
    while len(terms) < count:
        terms.append(previous_term(terms[-1]))
    return list(reversed(terms))


def outcomes_by_term(terms: list[Period]) -> Counter[tuple[str, str]]:
    """`{(term code, outcome): decisions}` for decisions made in `terms`, in ONE query (current schema).

    A decision counts in the term its `decided_at` falls in, Europe/London days (`core.dates`).
    """
    assert connection.schema_name != "public", "count inside the organisation's schema"
    which = Case(
        *[When(decided_at__gte=day_starts(t.start), decided_at__lt=day_ends(t.end), then=Value(t.code)) for t in terms],
        default=None,
        output_field=CharField(),
    )
    window = Q(decided_at__gte=day_starts(terms[0].start), decided_at__lt=day_ends(terms[-1].end))
    rows = (
        Decision.objects.filter(window)
        .annotate(term=which)
        .values("term", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Counter({(row["term"], row["outcome"]): row["n"] for row in rows})


def chart_for(day: date, joined: date) -> tuple[Chart, int]:
    """The chart (and its table) for the six terms to `day`, and the number of decisions in them."""
    terms = last_terms(day)
    counts = outcomes_by_term(terms)
    decided_in = {code for code, _ in counts}
    series: dict[str, list[ChartValue]] = {}
    for outcome, name in OUTCOME_NAMES.items():
        series[name] = [
            None if t.end < joined and t.code not in decided_in else counts.get((t.code, outcome), 0) for t in terms
        ]
    labels = [f"{t.label} (so far)" if t.start <= day <= t.end else t.label for t in terms]
    chart = bar_chart(
        TITLE,
        labels,
        series,
        stacked=True,
        category_label="Term",
        y_title="Decisions",
        note="Decisions by the date they were made. 'No data': the term ended before we joined the hub.",
    )
    return chart, sum(counts.values())


def panel(request: HttpRequest) -> Panel | None:
    """The card for people who may see the whole register, review or audit; None for anyone else."""
    if not allows(scopes_of(getattr(request, "membership", None)), SEES_FIGURES):
        return None
    joined = london_date(request.tenant.created_at)
    chart, total = chart_for(london_today(), joined)
    return Panel(title=TITLE, template="speakers/_dashboard_panel.html", context={"chart": chart, "total": total})
