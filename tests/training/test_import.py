"""Importing a learning system's export: messy files (written as bytes), row-level errors naming the
row and column, nothing imported when any row is wrong, people added only when asked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django_tenants.utils import tenant_context

from core.audit import AuditEvent
from core.dates import today
from tests.training.conftest import course, done, person
from training.csv_import import ImportRejected, completions_import, decode
from training.models import Completion, Course, StaffMember

BOM = b"\xef\xbb\xbf"


def _run(t, data: bytes, **options):
    return completions_import(actor=t.lead, organisation=t.org, csv_text=decode(data), **options)


@pytest.fixture
def setup(t):
    with tenant_context(t.org):
        course("Prevent awareness", code="PREV-01", months=24)
        course("Face-to-face WRAP", kind="briefing", tier="face_to_face")
        person("NM1001", "Łucja Wróblewska", email="l.wroblewska@alderley.example")
        person("NM1002", "Tunde Adeyemi", email="t.adeyemi@alderley.example")
    return t


def test_a_messy_european_excel_file_imports_every_row(setup):
    data = (
        BOM
        + (
            "Employee Number;Learner Name;E-mail;Course Title;Completion Date;Score\r\n"
            "NM1001;Łucja Wróblewska;;PREVENT AWARENESS;15/03/2025;100\r\n"
            ";;;;;\r\n"  # a blank row
            "\u200bnm1002\u00a0;Tunde Adeyemi;;prevent-awareness;2025-03-16;90\r\n"  # zero-width space, NBSP, case
            ";Tunde Adeyemi;T.ADEYEMI@alderley.example;Face‑to‑face WRAP;45736;\r\n"  # by email; Excel serial
            "NM1001;;;'=PREV-01;16 Mar 2025 09:30;\r\n"  # a neutralised cell; code instead of title
        ).encode()
    )
    with tenant_context(setup.org):
        result = _run(setup, data)
        rows = sorted(Completion.objects.values_list("person__staff_id", "course__title", "completed_on"))
    assert (result.rows, result.imported, result.already, result.ignored_columns) == (4, 4, 0, ["Score"])
    assert rows == [
        ("NM1001", "Prevent awareness", date(2025, 3, 15)),
        ("NM1001", "Prevent awareness", date(2025, 3, 16)),
        ("NM1002", "Face-to-face WRAP", date(2025, 3, 20)),
        ("NM1002", "Prevent awareness", date(2025, 3, 16)),
    ]


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_imported(setup):
    future = (today() + timedelta(days=3)).strftime("%d/%m/%Y")
    data = (
        "Staff ID,Course,Completed\n"
        "NM1001,Prevent awareness,01/02/2025\n"  # good
        "NM9999,Prevent awareness,01/02/2025\n"  # unknown person
        "NM1002,Prevent awarenes,01/02/2025\n"  # unknown course
        "\n"
        "NM1002,Prevent awareness,02/25/2025\n"  # US order
        f"NM1002,Prevent awareness,{future}\n"
        "NM1001,prevent awareness,1/2/2025\n"  # repeats row 2
        "NM1002,Prevent awareness,14/02/1999\n"
    ).encode("cp1252")
    with tenant_context(setup.org), pytest.raises(ImportRejected) as refused:
        _run(setup, data)
    lines = refused.value.lines()
    assert lines[0].startswith("Row 3, Staff ID: No one on the staff list has staff id NM9999")
    assert lines[1].startswith("Row 4, Course: 'Prevent awarenes' is not one of our courses")
    assert lines[2] == "Row 6, Completed: 02/25/2025: 25 is not a month; dates are read day first (dd/mm/yyyy)."
    assert lines[3].startswith(f"Row 7, Completed: {future} is in the future")
    assert lines[4] == "Row 8, (whole row): Repeats row 2: the same person, course and date. Remove one of them."
    assert lines[5].startswith("Row 9, Completed: 14/02/1999 is before 2000")
    with tenant_context(setup.org):
        assert Completion.objects.count() == 0
        assert not AuditEvent.objects.filter(action="training.completions_import").exists()


def test_people_are_added_only_when_asked_and_only_from_rows_with_every_staff_field(setup):
    data = (
        "Staff ID,Name,Department,Role,Email,Course,Completed\r\n"
        "NM2001,Siddharth İyer,Estates,Security,s.iyer@alderley.example,Prevent awareness,01/02/2025\r\n"
        "NM2001,Siddharth İyer,Estates,Security,,Face-to-face WRAP,03/02/2025\r\n"
        "NM2002,Chidinma Obi,,Catering,,Prevent awareness,01/02/2025\r\n"
    ).encode()
    with tenant_context(setup.org):
        with pytest.raises(ImportRejected) as refused:
            _run(setup, data)
        assert "Row 2, Staff ID: No one on the staff list has staff id NM2001" in refused.value.lines()[0]

        with pytest.raises(ImportRejected) as refused:
            _run(setup, data, add_people=True)
        assert refused.value.lines() == [
            "Row 4, department: No one on the staff list has staff id NM2002; to add them the row needs their "
            "department."
        ]
        assert not StaffMember.objects.filter(staff_id__in=["NM2001", "NM2002"]).exists()

        result = _run(setup, data.replace(b",,Catering", b",Kitchens,Catering"), add_people=True)
        added = StaffMember.objects.get(staff_id="NM2001")
    assert (result.imported, result.people_added) == (3, 2)
    assert (added.name, added.department, added.role, added.email) == (
        "Siddharth İyer", "Estates", "Security", "s.iyer@alderley.example")  # fmt: skip


def test_importing_the_same_export_again_skips_what_is_recorded_and_a_status_column_skips_unfinished(setup):
    data = (
        "Staff ID,Course,Completed,Status\n"
        "NM1001,Prevent awareness,01/02/2025,Completed\n"
        "NM1002,Prevent awareness,,In progress\n"
    ).encode()
    with tenant_context(setup.org):
        first = _run(setup, data)
        checked = _run(setup, data, check_only=True)
        again = _run(setup, data)
        assert Completion.objects.count() == 1
    assert (first.imported, first.not_completed) == (1, 1)
    assert (checked.imported, checked.already, checked.checked_only) == (0, 1, True)
    assert (again.imported, again.already) == (0, 1)


def test_a_check_only_run_writes_nothing(setup):
    data = b"Staff ID,Course,Completed\nNM1001,Prevent awareness,01/02/2025\n"
    with tenant_context(setup.org):
        result = _run(setup, data, check_only=True)
        assert result.imported == 1
        assert Completion.objects.count() == 0


def test_a_file_without_the_needed_columns_says_which_are_missing(setup):
    with tenant_context(setup.org), pytest.raises(ImportRejected) as refused:
        _run(setup, b"Name,When\nTunde Adeyemi,01/02/2025\n")
    text = " ".join(refused.value.lines())
    assert "No 'course' column" in text and "No 'completed date' column" in text and "No 'staff id or email'" in text


def test_a_row_with_too_many_cells_is_named_and_nothing_is_imported(setup):
    data = b"Staff ID,Course,Completed\nNM1001,Prevent awareness,01/02/2025\nNM1002,Prevent, awareness,01/02/2025\n"
    with tenant_context(setup.org), pytest.raises(ImportRejected) as refused:
        _run(setup, data)
    assert refused.value.lines()[0].startswith("Row 3, (whole row): This row has 4 cells")
    with tenant_context(setup.org):
        assert Completion.objects.count() == 0


def test_a_person_without_training_manage_cannot_import_and_nothing_is_written(setup):
    with tenant_context(setup.org), pytest.raises(PermissionDenied):
        completions_import(actor=setup.officer, organisation=setup.org,
                           csv_text="Staff ID,Course,Completed\nNM1001,Prevent awareness,01/02/2025\n")  # fmt: skip
    with tenant_context(setup.org):
        assert Completion.objects.count() == 0


def test_an_existing_completion_recorded_by_hand_counts_as_already_recorded(setup):
    with tenant_context(setup.org):
        p = StaffMember.objects.get(staff_id="NM1001")
        done(p, Course.objects.get(code="PREV-01"), date(2025, 2, 1), setup.lead)
        result = _run(setup, b"Staff ID,Course,Completed\nnm1001,PREV-01,2025-02-01\n")
    assert (result.imported, result.already) == (0, 1)
