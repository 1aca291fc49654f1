"""hub.charts: the picture carries no script and no shared ids; the table holds every value as a person reads it."""

import re

import pytest

from hub.charts import NO_DATA, bar_chart, line_chart


@pytest.mark.parametrize("draw", [bar_chart, line_chart])
def test_a_chart_holds_no_script_and_its_table_reads_gaps_and_suppressed_cells_in_words(draw) -> None:
    chart = draw(
        "Speaker requests by outcome",
        ["Autumn 2025", "Spring 2026"],
        {"Approved": [12, None], "Rejected": ["fewer than 5", 0]},
    )

    assert "<script" not in chart.svg.lower()
    assert 'aria-hidden="true"' in chart.svg
    assert chart.columns == ["", "Approved", "Rejected"]
    assert chart.rows == [["Autumn 2025", "12", "fewer than 5"], ["Spring 2026", NO_DATA, "0"]]


def test_two_charts_on_one_page_share_no_id() -> None:
    series = {"Approved": [1, 2], "Rejected": [3, 4]}
    one, two = bar_chart("One", ["a", "b"], series), bar_chart("Two", ["a", "b"], series)

    ids = re.findall(r'\bid="([^"]+)"', one.svg + two.svg)
    assert ids and len(ids) == len(set(ids))


def test_a_label_cannot_add_markup() -> None:
    chart = bar_chart("T", ['<img src=x onerror="alert(1)">'], {"<b>S</b>": [1]})

    assert "<img" not in chart.svg and "<b>" not in chart.svg


def test_a_series_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="has 1 values for 2 categories"):
        bar_chart("T", ["a", "b"], {"S": [1]})


@pytest.mark.parametrize(
    "draw, options",
    [(bar_chart, {}), (bar_chart, {"stacked": True}), (bar_chart, {"horizontal": True}), (line_chart, {})],
)
def test_a_chart_carries_no_inline_style_so_the_csp_needs_no_unsafe_inline(draw, options) -> None:
    chart = draw("T", ["a", "b"], {"S": [1, 2], "R": [3, None]}, **options)

    assert "<style" not in chart.svg.lower() and "style=" not in chart.svg.lower()
    assert 'class="pygal-chart"' in chart.svg  # what charts.css scopes its rules to


def test_the_static_chart_stylesheet_matches_the_chart_style() -> None:
    from django.contrib.staticfiles import finders

    from hub.charts import stylesheet

    path = finders.find("hub/charts.css")
    assert path, "hub/static/hub/charts.css is missing"
    with open(path, encoding="utf-8") as shipped:
        assert shipped.read() == stylesheet(), "regenerate: python -m hub.charts > hub/static/hub/charts.css"
