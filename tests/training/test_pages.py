"""Journeys on the training pages, asserting what a person sees."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from core.audit import AuditEvent
from core.dates import today
from partners.models import TrainingRecord
from tests.html_text import visible_text
from tests.training.conftest import course, done, person, require
from training import selectors
from training.models import Completion, Course, StaffMember


def test_the_prevent_lead_defines_training_adds_a_person_records_a_completion_and_sees_coverage(t, client_on):
    lead = client_on(t.org, t.lead)
    assert "No training defined yet" in visible_text(lead.get("/training/"))

    # a course for all staff, refreshed every two years
    added = lead.post("/training/courses/", {"title": "Prevent awareness", "code": "PA1", "tier": "awareness",
                                             "kind": "induction", "refresher_months": "24"}, follow=True)  # fmt: skip
    assert "Course “Prevent awareness” added. Now say who must take it." in visible_text(added)
    with tenant_context(t.org):
        c = Course.objects.get()
    required = lead.post(f"/training/courses/{c.pk}/requirements/", {"department": "", "role": ""}, follow=True)
    assert "Prevent awareness is now required of: All staff." in visible_text(required)

    # two people on the staff list
    lead.post(
        "/training/people/", {"staff_id": "NM1", "name": "Aoife Byrne", "department": "Library", "role": "Support"}
    )
    hired = lead.post("/training/people/", {"staff_id": "NM2", "name": "Rajesh Patel", "department": "Estates",
                                            "role": "Security"}, follow=True)  # fmt: skip
    assert "Rajesh Patel added to the staff list." in visible_text(hired)
    with tenant_context(t.org):
        rajesh = StaffMember.objects.get(staff_id="NM2")

    # a completion in the future is refused with a message naming the fix
    future = today() + timedelta(days=2)
    refused = lead.post(f"/training/people/{rajesh.pk}/", {"course": c.pk, "completed_on": future.isoformat()})
    assert refused.status_code == 400
    assert "is in the future; record training once it has been completed." in visible_text(refused)

    recorded = lead.post(f"/training/people/{rajesh.pk}/", {"course": c.pk, "completed_on": today().isoformat()},
                         follow=True)  # fmt: skip
    text = visible_text(recorded)
    assert "Recorded: Rajesh Patel completed Prevent awareness." in text
    assert "Up to date" in text

    overview = visible_text(lead.get("/training/"))
    assert "50.0% of required training is up to date: 1 of 2 required courses across 2 staff." in overview
    assert "1 overdue (never completed, or the refresher has expired), for 1 person." in overview
    assert "Training coverage by department: the figures" in overview
    overdue = visible_text(lead.get("/training/overdue/"))
    assert "Aoife Byrne Library Support Prevent awareness Never completed" in overdue
    assert "Rajesh Patel" not in overdue


def test_a_safeguarding_officer_reads_coverage_but_cannot_change_it_and_an_organiser_is_refused(t, client_on):
    with tenant_context(t.org):
        require(course("Prevent awareness"))
        person("NM1", "Hannah Cohen")
    officer = client_on(t.org, t.officer)
    page = visible_text(officer.get("/training/courses/"))
    assert "Prevent awareness" in page and "Add a course" not in page
    denied = officer.post("/training/courses/", {"title": "Sneaky", "tier": "awareness", "kind": "briefing"})
    assert denied.status_code == 403
    assert client_on(t.org, t.organiser).get("/training/").status_code == 403
    with tenant_context(t.org):
        assert Course.objects.count() == 1


def test_importing_a_file_with_problems_lists_them_and_a_good_file_then_imports(t, client_on):
    with tenant_context(t.org):
        course("Prevent awareness", code="PA1")
        person("NM1", "Mohammed Al-Farsi")
    lead = client_on(t.org, t.lead)
    bad = "\ufeffStaff ID;Course;Completed\r\nNM1;PA1;15/03/2025\r\nNM7;PA1;31/02/2025\r\n".encode()
    response = lead.post("/training/import/", {"file": SimpleUploadedFile("export.csv", bad), "import": "1"})
    text = visible_text(response)
    assert response.status_code == 400
    assert "Nothing was imported: 2 problems" in text
    assert "Row 3, Staff ID: No one on the staff list has staff id NM7." in text
    assert "Row 3, Completed: 31/02/2025: there is no day 31 in that month" in text

    good = "\ufeffStaff ID;Name;Department;Role;Course;Completed\r\nNM1;;;;PA1;15/03/2025\r\n" \
           "NM7;Grace Mensah;Estates;Security;PA1;16/03/2025\r\n".encode()  # fmt: skip
    checked = lead.post("/training/import/", {"file": SimpleUploadedFile("export.csv", good), "add_people": "on",
                                              "check": "1"})  # fmt: skip
    assert "The file is ready to import" in visible_text(checked)
    assert "2 completions would be imported" in visible_text(checked)
    with tenant_context(t.org):
        assert Completion.objects.count() == 0
    imported = lead.post("/training/import/", {"file": SimpleUploadedFile("export.csv", good), "add_people": "on",
                                               "import": "1"})  # fmt: skip
    text = visible_text(imported)
    assert "Imported 2 completion(s)." in text and "1 person added to the staff list" in text


def _seed(t):
    with tenant_context(t.org):
        awareness, wrap = course("Prevent awareness", months=12), course("=WRAP face-to-face", kind="briefing")
        require(awareness)
        require(wrap, role="Security")
        people = [person("NM1", "Olamide Johnson", department="Estates", role="Security"),
                  person("NM2", "Ewa Zielińska", department="Estates", role="Cleaning"),
                  person("NM3", "@Priya Sharma", department="=Library", role="Support")]  # fmt: skip
        done(people[0], awareness, today() - timedelta(days=10), t.lead)
        done(people[1], awareness, today() - timedelta(days=400), t.lead)  # expired
        done(people[2], awareness, today(), t.lead)


def test_the_exports_hold_the_page_figures_as_text_never_formulas_and_are_audited(t, client_on):
    _seed(t)
    reader = client_on(t.org, t.officer)
    with tenant_context(t.org):
        expected = selectors.coverage(today())
        late = selectors.overdue(today())

    csv_text = reader.get("/training/export/coverage.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0] == ["Breakdown", "Group", "People", "Required", "Up to date", "Overdue", "Coverage %"]
    # worked by hand: awareness of 3 people (2 current, 1 expired) + WRAP of the one in Security (never done)
    assert rows[1] == ["Overall", "All staff", "3", "4", "2", "2", "50.0"]
    assert (expected.people, expected.required, expected.complete, expected.overdue) == (3, 4, 2, 2)
    departments = {r[1]: r[2:] for r in rows if r[0] == "Department"}
    assert departments == {"'=Library": ["1", "1", "1", "0", "100.0"], "Estates": ["2", "3", "1", "2", "33.3"]}
    roles = {r[1]: r[2:] for r in rows if r[0] == "Role"}
    assert roles == {row.label: [str(row.people), str(row.required), str(row.complete), str(row.overdue),
                                 str(row.percent)] for row in expected.by_role}  # fmt: skip

    book = load_workbook(io.BytesIO(reader.get("/training/export/coverage.xlsx").content))
    sheet = [list(r) for r in book["Coverage"].iter_rows(values_only=True)]
    assert sheet[1] == ["Overall", "All staff", 3, 4, 2, 2, 50.0]
    assert ["Department", "=Library", 1, 1, 1, 0, 100.0] in sheet
    assert all(c.data_type != "f" for row in book["Coverage"].iter_rows() for c in row)
    overdue = [list(r) for r in book["Overdue"].iter_rows(values_only=True)][1:]
    assert (
        sorted((r[1], r[4], r[5]) for r in overdue)
        == sorted(
            (i.person.name, i.course.title, "Refresher overdue" if i.status == "expired" else "Never completed")
            for i in late
        )
        == [
            ("Ewa Zielińska", "Prevent awareness", "Refresher overdue"),
            ("Olamide Johnson", "=WRAP face-to-face", "Never completed"),
        ]
    )

    # the page shows the same figures
    page = visible_text(reader.get("/training/"))
    assert "50.0% of required training is up to date: 2 of 4 required courses across 3 staff." in page
    assert "=Library 1 1 1 0 100.0%" in page and "Estates 2 3 1 2 33.3%" in page
    formats = list(
        AuditEvent.objects.filter(action="training.coverage_export").values_list("detail__format", flat=True)
    )
    assert formats == ["csv", "xlsx"]


def test_the_dashboard_shows_coverage_and_overdue_with_a_chart_to_readers_only(t, client_on):
    _seed(t)
    text = visible_text(client_on(t.org, t.officer).get("/"))
    assert "Training coverage" in text and "50.0% up to date · 2 overdue (2 people)." in text
    assert "Training coverage by department: the figures" in text
    assert "Training coverage" not in visible_text(client_on(t.org, t.organiser).get("/"))


def test_training_a_university_delivered_to_partners_is_counted_and_linked_from_the_overview(t, client_on, partner):
    with tenant_context(t.org):
        TrainingRecord.objects.create(delivered_on=today(), topic="Prevent for partner staff", audience="Tutors",
                                      attendees=14, partner_id=partner.pk, recorded_by=t.lead)  # fmt: skip
        TrainingRecord.objects.create(delivered_on=today(), topic="Our own", audience="Staff", attendees=3,
                                      recorded_by=t.lead)  # fmt: skip
    text = visible_text(client_on(t.org, t.lead).get("/training/"))
    assert "1 session recorded as delivered to the staff of partners we validate." in text
    assert "Record training delivered to a partner" in text


def test_before_any_course_a_manager_is_prompted_to_start_but_a_network_convenor_is_not(t, client_on, network, member):
    assert "No training defined yet. Add your courses" in visible_text(client_on(t.org, t.lead).get("/"))
    convenor = member(network, "prevent_lead")
    assert "Training coverage" not in visible_text(client_on(network, convenor).get("/"))
