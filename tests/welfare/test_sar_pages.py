"""The subject access and retention pages: what the DPO sees and gets, and that nobody else gets anything."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from tests.html_text import visible_text
from tests.welfare.subjects import TODAY, ZOE_BORN, case, seed_zoe
from welfare.choices import CaseStatus
from welfare.models import CaseOpening, RetentionRecord

SEARCH = {"given_name": "Zoë", "family_name": "Ó Briain", "date_of_birth": ZOE_BORN.isoformat(), "reference": ""}
LONG_AGO = TODAY - dt.timedelta(days=3000)


@pytest.fixture
def zoe(org_a, member):
    with tenant_context(org_a):
        return seed_zoe(
            member(org_a, "organiser"), member(org_a, "safeguarding_officer"), member(org_a, "prevent_lead")
        )


def _sar_events() -> int:
    return AuditEvent.objects.filter(action__startswith="welfare.subject_access").count()


def test_the_dpo_searches_sees_the_records_and_downloads_a_file_named_without_the_person(org_a, member, client_on, zoe):
    client = client_on(org_a, member(org_a, "dpo"))

    page = client.post("/welfare/subject-access/", SEARCH)
    download = client.post("/welfare/subject-access/export/", SEARCH)
    connection.set_schema_to_public()

    seen = visible_text(page)
    assert page.status_code == 200
    assert f"Case {zoe.matches['case']}" in seen and f"Concern {zoe.matches['concern:loose']}" in seen
    assert "Found: 4 records" in seen and "Name and date of birth match" in seen
    assert "1 record with a similar name but a different date of birth is about someone else" in seen
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    disposition = download["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="subject-access-{org_a.slug}-')
    assert "zo" not in disposition.lower() and "briain" not in disposition.lower()
    assert "no-cache" in download["Cache-Control"] or "no-store" in download["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        document = json.loads(archive.read("subject-access.json"))
    assert [c["id"] for c in document["sections"]["cases"]] == [zoe.matches["case"]]


def test_a_search_without_a_family_name_says_which_field_to_fill_in(org_a, member, client_on, zoe):
    client = client_on(org_a, member(org_a, "dpo"))

    page = client.post("/welfare/subject-access/", {**SEARCH, "family_name": "\u200b "})
    connection.set_schema_to_public()

    assert page.status_code == 400
    assert "Family name" in visible_text(page) and "surname" in visible_text(page)
    assert _sar_events() == 0


@pytest.mark.parametrize("role", ["safeguarding_officer", "organiser", "reviewer", "auditor", "org_admin"])
def test_without_the_subject_access_right_nothing_is_searched_or_exported(org_a, member, client_on, zoe, role):
    client = client_on(org_a, member(org_a, role))
    with tenant_context(org_a):
        openings = CaseOpening.objects.count()

    responses = [
        client.get("/welfare/subject-access/"),
        client.post("/welfare/subject-access/", SEARCH),
        client.post("/welfare/subject-access/export/", SEARCH),
    ]
    connection.set_schema_to_public()

    assert [r.status_code for r in responses] == [403, 403, 403]
    assert all("Briain" not in r.content.decode() and r["Content-Type"].startswith("text/html") for r in responses)
    assert _sar_events() == 0
    with tenant_context(org_a):
        assert CaseOpening.objects.count() == openings


def test_a_member_of_another_organisation_finds_no_such_page(org_a, org_b, member, client_on, zoe):
    client = client_on(org_a, member(org_b, "dpo"))

    responses = [
        client.post("/welfare/subject-access/", SEARCH),
        client.post("/welfare/subject-access/export/", SEARCH),
    ]
    connection.set_schema_to_public()

    assert [r.status_code for r in responses] == [404, 404]
    assert _sar_events() == 0


def test_the_prevent_lead_may_also_answer_a_request(org_a, member, client_on, zoe):
    client = client_on(org_a, member(org_a, "prevent_lead"))

    download = client.post("/welfare/subject-access/export/", SEARCH)
    connection.set_schema_to_public()

    assert download.status_code == 200 and _sar_events() == 1


# --- retention review -----------------------------------------------------------------------------


@pytest.fixture
def old_case(org_a):
    with tenant_context(org_a):
        return case("Luca", "Bianchi", status=CaseStatus.CLOSED, closed_on=LONG_AGO,
                    opened_on=LONG_AGO - dt.timedelta(days=60))  # fmt: skip


def test_the_reviewer_sees_cases_past_retention_by_number_and_never_by_name(org_a, member, client_on, old_case):
    page = client_on(org_a, member(org_a, "dpo")).get("/welfare/retention/")
    connection.set_schema_to_public()

    seen = visible_text(page)
    assert f"Case {old_case.pk}: Due for review" in seen
    assert "Luca" not in page.content.decode() and "Bianchi" not in page.content.decode()


def test_keeping_a_case_needs_days_and_a_reason(org_a, member, client_on, old_case):
    client = client_on(org_a, member(org_a, "dpo"))

    refused = client.post("/welfare/retention/", {"case": old_case.pk, "decision": "keep"})
    kept = client.post("/welfare/retention/", {"case": old_case.pk, "decision": "keep", "keep_days": 90,
                                                "reason": "A complaint is open."}, follow=True)  # fmt: skip
    connection.set_schema_to_public()

    assert refused.status_code == 400
    assert "whole number from 1 to 3650" in visible_text(refused) and "Say why the case must be kept" in visible_text(
        refused
    )
    assert f"Case {old_case.pk} kept for 90 more day(s)." in visible_text(kept)
    assert f"Case {old_case.pk}: Kept for now" in visible_text(kept)
    with tenant_context(org_a):
        record = RetentionRecord.objects.get(case_id=old_case.pk)
    assert record.keep_until == TODAY + dt.timedelta(days=90) and record.reason == "A complaint is open."
    (event,) = AuditEvent.objects.filter(action="welfare.retention_review")
    assert event.detail["decision"] == "keep" and "complaint" not in json.dumps(event.detail)


def test_approving_destruction_shows_the_case_as_approved(org_a, member, client_on, old_case):
    page = client_on(org_a, member(org_a, "prevent_lead")).post(
        "/welfare/retention/", {"case": old_case.pk, "decision": "destroy"}, follow=True
    )
    connection.set_schema_to_public()

    assert f"Case {old_case.pk}: Approved for destruction" in visible_text(page)


def test_a_case_within_retention_cannot_be_approved_for_destruction(org_a, member, client_on):
    with tenant_context(org_a):
        recent = case("Nour", "Khalil", status=CaseStatus.CLOSED, closed_on=TODAY - dt.timedelta(days=3))

    page = client_on(org_a, member(org_a, "dpo")).post(
        "/welfare/retention/", {"case": recent.pk, "decision": "destroy"}
    )
    connection.set_schema_to_public()

    assert page.status_code == 400 and "Only a closed case past its retention period" in visible_text(page)
    with tenant_context(org_a):
        assert not RetentionRecord.objects.exists()


@pytest.mark.parametrize("role", ["safeguarding_officer", "organiser", "auditor"])
def test_without_the_retention_right_nothing_is_shown_or_decided(org_a, member, client_on, old_case, role):
    client = client_on(org_a, member(org_a, role))

    responses = [client.get("/welfare/retention/"),
                 client.post("/welfare/retention/", {"case": old_case.pk, "decision": "destroy"})]  # fmt: skip
    connection.set_schema_to_public()

    assert [r.status_code for r in responses] == [403, 403]
    assert not AuditEvent.objects.filter(action="welfare.retention_review").exists()
    with tenant_context(org_a):
        assert not RetentionRecord.objects.exists()


def _markup_problems(name: str, html: str) -> list[str]:
    """The checks of tests/hub/test_page_markup.py: unique ids, references that resolve, labelled fields."""
    problems = []
    ids = re.findall(r'\sid="([^"]+)"', html)
    problems += [f"{name}: duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
        for value in re.findall(rf'{attribute}="([^"]*)"', html):
            problems += [f"{name}: {attribute} -> #{t}" for t in value.split() if t not in ids]
    problems += [f"{name}: label for #{t}" for t in re.findall(r'<label[^>]*\sfor="([^"]*)"', html) if t not in ids]
    for field in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html):
        if f'for="{field}"' not in html:
            problems.append(f"{name}: #{field} has no label")
    if html.count("<h1") != 1:
        problems.append(f"{name}: not one main heading")
    return problems


def test_the_subject_access_and_retention_pages_are_marked_up_for_assistive_technology(
    org_a, member, client_on, zoe, old_case
):
    client = client_on(org_a, member(org_a, "dpo"))
    pages = {
        "search form": client.get("/welfare/subject-access/"),
        "results with possible matches": client.post("/welfare/subject-access/", {**SEARCH, "date_of_birth": ""}),
        "search errors": client.post("/welfare/subject-access/", {"given_name": "", "date_of_birth": "31/02"}),
        "retention list": client.get("/welfare/retention/"),
        "retention errors": client.post("/welfare/retention/", {"case": old_case.pk, "decision": "keep"}),
    }
    connection.set_schema_to_public()

    assert "Possible matches" in visible_text(pages["results with possible matches"])
    assert [name for name, r in pages.items() if r.status_code == 400] == ["search errors", "retention errors"]
    problems = [p for name, r in pages.items() for p in _markup_problems(name, r.content.decode())]
    assert not problems, problems


def test_after_the_scheduled_run_the_reviewer_sees_the_case_listed_as_destroyed_and_its_name_nowhere(
    org_a, member, client_on, old_case
):
    client = client_on(org_a, member(org_a, "dpo", full_name="Grace Mwangi"))
    client.post("/welfare/retention/", {"case": old_case.pk, "decision": "destroy"})
    connection.set_schema_to_public()

    call_command("welfare_retention_destroy", "--org", org_a.slug, stdout=io.StringIO())
    connection.set_schema_to_public()
    page = client.get("/welfare/retention/")
    search = client.post("/welfare/subject-access/", {"given_name": "Luca", "family_name": "Bianchi"})
    connection.set_schema_to_public()

    seen = visible_text(page)
    assert f"Case {old_case.pk}: " not in seen and "No closed case is past its retention period." in seen
    destroyed_row = f"Case {old_case.pk} {LONG_AGO - dt.timedelta(days=60):%-d %b %Y} {LONG_AGO:%-d %b %Y} Grace Mwangi"
    assert destroyed_row in seen
    assert "Found: 0 records" in visible_text(search) and "No record matches this person." in visible_text(search)


@pytest.mark.parametrize(("role", "sees"), [("dpo", True), ("prevent_lead", True), ("safeguarding_officer", False)])
def test_the_welfare_page_links_subject_access_and_retention_review_for_those_who_may_use_them(
    org_a, member, client_on, role, sees
):
    text = visible_text(client_on(org_a, member(org_a, role)).get("/welfare/").content.decode())
    assert ("Subject access requests" in text) is sees
    assert ("Retention review" in text) is sees
