"""The return's API: assemble, read, sign off, export; errors name the field."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from core.models import AuditEvent
from returns.years import year_containing
from tests.returns.conftest import YEAR, expected_own, seed_university


def _post(client, path, body=None):
    response = client.post(path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


def test_a_return_is_assembled_read_signed_off_and_exported_through_the_api(seeded, client_on):
    seed_university(seeded)
    lead = client_on(seeded.university, seeded.lead)

    status, made = _post(lead, "/api/v1/return/", {"year": YEAR.academic_year})
    assert status == 201 and made["version"] == 1 and made["status"] == "draft"
    lines = {line["key"]: line for line in made["data"]["lines"]}
    assert lines["speakers.rejected"]["own"] == expected_own()["speakers.rejected"]
    assert lines["training.induction"]["own"] is None  # no data, not 0

    listed = lead.get("/api/v1/return/").json()
    assert [r["id"] for r in listed["results"]] == [made["id"]] and listed["results"][0]["gaps"] == made["gaps"]

    status, refused = _post(lead, f"/api/v1/return/{made['id']}/sign-off/", {})
    assert status == 400 and "gaps_acknowledged" in refused["errors"]
    status, signed = _post(lead, f"/api/v1/return/{made['id']}/sign-off/", {"gaps_acknowledged": True})
    assert status == 200 and signed["status"] == "signed_off" and len(signed["digest"]) == 64
    assert signed["signed_off_by"] == seeded.lead.full_name

    xlsx = lead.get(f"/api/v1/return/{made['id']}/export/?file=xlsx")
    sheet = list(openpyxl.load_workbook(io.BytesIO(xlsx.content))["Return"].iter_rows(values_only=True))
    by_label = {row[1]: row for row in sheet[1:]}
    assert by_label["Rejected"][2] == expected_own()["speakers.rejected"]
    csv_file = lead.get(f"/api/v1/return/{made['id']}/export/")
    assert csv_file["Content-Disposition"].endswith(f'prevent-return-{YEAR.academic_year}-v1.csv"')
    assert AuditEvent.objects.filter(action="returns.return.export").count() == 2


@pytest.mark.parametrize(
    "year,message",
    [
        ("2025/26", "Give the academic year as"),
        ("2025-27", "runs over two calendar years"),
        ("2010-11", "Choose a year from 2015-16"),
        ("2099-00", "Choose a year from 2015-16"),
        ("", "This field may not be blank."),
    ],
)
def test_a_bad_year_is_refused_naming_the_field(seeded, client_on, year, message):
    status, body = _post(client_on(seeded.university, seeded.lead), "/api/v1/return/", {"year": year})

    assert status == 400 and message in " ".join(body["errors"]["year"])


def test_the_year_after_the_current_one_is_out_of_range_and_a_number_is_not_a_year(seeded, client_on):
    client = client_on(seeded.university, seeded.lead)
    following = year_containing(YEAR.end).year + 2

    status, body = _post(client, "/api/v1/return/", {"year": f"{following}-{(following + 1) % 100:02d}"})
    assert status == 400 and "year" in body["errors"]
    status, body = _post(client, "/api/v1/return/", {"year": 2025})
    assert status == 400 and body["errors"]["year"] == ["Not a valid string."]


def test_an_export_in_an_unknown_format_names_the_parameter(seeded, client_on):
    seed_university(seeded)
    ret = seeded.assemble()

    response = client_on(seeded.university, seeded.lead).get(f"/api/v1/return/{ret.pk}/export/?file=pdf")

    assert response.status_code == 400 and "file" in response.json()["errors"]
    assert not AuditEvent.objects.filter(action="returns.return.export").exists()


def test_an_admin_prepares_but_may_not_sign_off(seeded, client_on):
    seed_university(seeded)
    admin = client_on(seeded.university, seeded.admin)

    status, made = _post(admin, "/api/v1/return/", {"year": YEAR.academic_year})
    assert status == 201
    status, _ = _post(admin, f"/api/v1/return/{made['id']}/sign-off/", {"gaps_acknowledged": True})
    assert status == 403


def test_exports_never_turn_text_into_a_formula(seeded, client_on):
    # given: a partner whose name (set by whoever created it) looks like a formula
    seeded.partner.name = '=HYPERLINK("http://evil.example","Click")'
    seeded.partner.save(update_fields=["name"])
    seed_university(seeded)
    seeded.drafting.active([seeded.university, seeded.partner], template="franchise")
    ret = seeded.assemble()
    lead = client_on(seeded.university, seeded.lead)

    # when
    book = openpyxl.load_workbook(io.BytesIO(lead.get(f"/return/{ret.pk}/export.xlsx").content))
    csv_text = lead.get(f"/return/{ret.pk}/export.csv").content.decode("utf-8-sig")

    # then: the name is text in the workbook, and neutralised in the CSV
    cells = [c for name in ("Return", "Gaps") for row in book[name].iter_rows() for c in row if c.value]
    named = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert named and all(c.data_type == "s" for c in named)  # the header's partner column among them
    assert "\"'=HYPERLINK(" in csv_text and '"=HYPERLINK(' not in csv_text
