"""Exports: CSV and XLSX hold the register and the action plan with the page's figures, formula-safe, audited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
from django_tenants.utils import tenant_context

from core.audit import AuditEvent
from risks import selectors
from tests.risks.conftest import TODAY


def _csv(response) -> list[dict[str, str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _seed(add_risk, add_action):
    formula = add_risk(title='=HYPERLINK("http://evil.example","click")', likelihood=5, impact=5)
    long = add_risk(title="Łukasz's partner visit — İzmir", likelihood=1, impact=2, existing_controls="é" * 5000)
    add_risk(title="Closed one", likelihood=3, impact=3, status="closed")
    add_action(title="+cmd|' /C calc'!A0", risk=formula)
    add_action(title="Overdue briefing", due_on=TODAY - timedelta(days=3), past=True, risk=long)
    add_action(title="Done already", due_on=TODAY - timedelta(days=9), status="done")
    return formula, long


def test_the_register_csv_holds_every_risk_formula_safe_and_is_audited(org_a, lead, client_on, add_risk, add_action):
    formula, long = _seed(add_risk, add_action)
    response = client_on(org_a, lead).get("/risks/export/risks.csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert len(rows) == 3
    by_id = {int(r["id"]): r for r in rows}
    assert by_id[formula.pk]["title"] == "'" + formula.title  # neutralised: Excel shows text, runs nothing
    assert (by_id[formula.pk]["score"], by_id[formula.pk]["rating"]) == ("25", "Very high")
    assert by_id[long.pk]["existing_controls"] == "é" * 5000
    assert by_id[long.pk]["open_actions"] == "1"
    event = AuditEvent.objects.filter(action="risks.export").latest("pk")
    assert event.detail == {"what": "risks", "format": "csv", "rows": 3} and event.actor_id == lead.pk


def test_the_action_plan_csv_flags_what_is_overdue(org_a, lead, client_on, add_risk, add_action):
    _seed(add_risk, add_action)
    rows = _csv(client_on(org_a, lead).get("/risks/export/actions.csv"))

    assert {r["action"]: r["overdue"] for r in rows} == {
        "'+cmd|' /C calc'!A0": "no",
        "Overdue briefing": "yes",
        "Done already": "no",
    }


def test_the_workbook_opens_with_openpyxl_and_holds_the_pages_figures(org_a, lead, client_on, add_risk, add_action):
    formula, _ = _seed(add_risk, add_action)
    client = client_on(org_a, lead)
    response = client.get("/risks/export/register.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))

    assert book.sheetnames == ["Summary", "Risks", "Actions", "Heat map"]
    risks = list(book["Risks"].iter_rows(values_only=True))
    titles = {row[1] for row in risks[1:]}
    assert formula.title in titles  # the text itself, stored as text
    cell = next(c for c in book["Risks"]["B"] if c.value == formula.title)
    assert cell.data_type == "s"
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(min_row=2, values_only=True)}
    with tenant_context(org_a):
        figures = selectors.overview(TODAY)
    assert summary["All categories"] == (*figures.by_rating.values(), figures.current)
    assert summary["Actions overdue"][0] == figures.actions_overdue == 1
    assert summary["Actions open"][0] == figures.actions_open == 2
    heat = list(book["Heat map"].iter_rows(min_row=2, values_only=True))
    assert heat[0] == ("Likelihood 5", 0, 0, 0, 0, 1)  # the 5 × 5 risk, top right
    assert sum(sum(row[1:]) for row in heat) == figures.current == 2
    page = client.get("/risks/").content.decode()
    assert f"{figures.current} current risks" in page
    assert f"{figures.actions_overdue} overdue action" in page
    assert AuditEvent.objects.filter(action="risks.export", detail__format="xlsx").exists()
