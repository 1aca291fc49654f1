"""What a person sees on the return's pages, and that the CSV and XLSX hold exactly the page's figures."""

from __future__ import annotations

import csv
import io

import openpyxl
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from returns.models import AnnualReturn
from tenants.models import Role
from tests.returns.conftest import YEAR, expected_own, expected_partner, seed_partner_and_file, seed_university
from tests.returns.pages import table_rows, text


def _figures_from_page(html: str) -> tuple[list[str], list[list[str]]]:
    rows = table_rows(html, "figures")
    return rows[0], rows[1:]


def test_the_page_shows_the_counted_figures_and_the_exports_hold_the_same(seeded, client_on):
    # given
    seed_university(seeded)
    seeded.drafting.active([seeded.university, seeded.partner], template="franchise")
    seed_partner_and_file(seeded)
    client = client_on(seeded.university, seeded.lead)

    # when: the Prevent lead assembles the year on the page
    response = client.post("/return/", {"year": YEAR.academic_year}, follow=True)
    page = response.content.decode()

    # then: what she sees
    shown = text(page)
    assert f"Prevent return: {YEAR.label}, version 1" in shown
    assert "Draft version 1 of the" in shown
    assert "no report received for the Summer term" in shown
    header, rows = _figures_from_page(page)
    assert header == ["Section", "Figure", "Our records", seeded.partner.name, "Total", "Flags"]
    by_label = {row[1]: row for row in rows}
    own, partner = expected_own(), expected_partner()
    assert by_label["Approved"][2:5] == [str(own["speakers.approved"]), str(partner["speakers.approved"]),
                                         str(own["speakers.approved"] + partner["speakers.approved"])]  # fmt: skip
    advice = by_label["Cases escalated, stage reached: External advice sought"]
    assert advice[3] == partner["welfare.external_advice_sought"]
    assert by_label["Induction training (completions)"][2:5] == ["no data", "not itemised", "no data"]
    assert "Speaker and event requests by outcome" in shown and "Welfare escalations and referrals" in shown

    # and the exports hold the same cells, flags included
    ret = AnnualReturn.objects.none()
    with tenant_context(seeded.university):
        ret = AnnualReturn.objects.get()
    xlsx = client.get(f"/return/{ret.pk}/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = [[("" if v is None else str(v)) for v in row] for row in book["Return"].iter_rows(values_only=True)]
    assert sheet[0] == header and sheet[1:] == rows
    gaps = [row[1] for row in book["Gaps"].iter_rows(min_row=2, values_only=True)]
    assert any("no report received for the Summer term" in g for g in gaps)
    exported = client.get(f"/return/{ret.pk}/export.csv")
    assert exported["Content-Type"].startswith("text/csv")
    parsed = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert parsed[0] == header and parsed[1 : len(rows) + 1] == rows
    assert "Gaps" in [r[0] for r in parsed]
    exports = AuditEvent.objects.filter(action="returns.return.export", organisation_id=seeded.university.pk)
    assert sorted(e.detail["format"] for e in exports) == ["csv", "xlsx"]


def test_drilling_down_shows_only_the_records_the_person_may_open(seeded, client_on, member):
    seed_university(seeded)
    ret = seeded.assemble()
    involved = expected_own()["welfare.prevent_lead_involved"]

    lead = client_on(seeded.university, seeded.lead).get(
        f"/return/{ret.pk}/records/?figure=welfare.prevent_lead_involved"
    )
    auditor = client_on(seeded.university, member(seeded.university, Role.AUDITOR))
    seen_by_auditor = auditor.get(f"/return/{ret.pk}/records/?figure=welfare.prevent_lead_involved")

    assert f"You may open {involved} of the {involved} records" in text(lead.content.decode())
    assert f"You may open 0 of the {involved} records" in text(seen_by_auditor.content.decode())
    assert "/welfare/cases/" not in seen_by_auditor.content.decode()
    speakers = client_on(seeded.university, seeded.lead).get(f"/return/{ret.pk}/records/?figure=speakers.rejected")
    shown = speakers.content.decode()
    assert "The Ottoman archive" in shown and "Sikh heritage walk" in shown  # rejected requests' titles
    assert "Women in Welsh politics" not in shown  # approved with mitigations


def test_the_prevent_lead_signs_off_on_the_page_and_sees_it_frozen(seeded, client_on):
    seed_university(seeded)
    ret = seeded.assemble()
    client = client_on(seeded.university, seeded.lead)

    refused = client.post(f"/return/{ret.pk}/sign-off/", {}, follow=True)
    # The refusal names the checkbox to tick, by its label on the page.
    assert "Read them, then tick 'I have read the gaps flagged in this return' to sign it off." in text(
        refused.content.decode()
    )

    signed = client.post(f"/return/{ret.pk}/sign-off/", {"gaps_acknowledged": "on"}, follow=True)
    shown = text(signed.content.decode())
    assert "is signed off. Its figures are frozen" in shown
    assert f"signed off by {seeded.lead.full_name} (Prevent lead)" in shown
    assert "This version is signed off" in shown


def test_a_network_dashboard_does_not_ask_its_coordinator_to_assemble_a_return(network, client_on, member):
    """A network files no Prevent return; its dashboard said "not started. Assemble the return"."""
    admin = client_on(network, member(network, Role.COORDINATOR, Role.ORG_ADMIN))

    assert "The annual Prevent return" not in text(admin.get("/").content.decode())


def test_the_index_and_the_dashboard_say_where_the_years_return_stands(seeded, client_on, member):
    lead = client_on(seeded.university, seeded.lead)
    assert f"{YEAR.label}: not started" in text(lead.get("/return/").content.decode())
    assert "The annual Prevent return" in text(lead.get("/").content.decode())
    organiser = client_on(seeded.university, member(seeded.university, Role.ORGANISER))
    assert "The annual Prevent return" not in text(organiser.get("/").content.decode())

    seed_university(seeded)
    ret = seeded.assemble()
    gaps = len(ret.data["gaps"])

    dashboard = text(lead.get("/").content.decode())
    assert f"{YEAR.label}: draft (version 1)" in dashboard
    assert f"{gaps} gap{'s' if gaps != 1 else ''} flagged" in dashboard


def test_nothing_assembled_yet_says_what_to_do(seeded, client_on):
    page = text(client_on(seeded.university, seeded.lead).get("/return/").content.decode())
    assert "No return assembled yet. Choose a year above and assemble it." in page
