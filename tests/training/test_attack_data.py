"""Hostile and messy learning-system exports: UTF-16 from Excel, an email the database cannot hold,
course names that fold to the same key. Each is refused row by row or imported exactly; never a crash."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import tenant_context

from tests.training.conftest import course, person
from training.csv_import import ImportRejected, completions_import, decode
from training.models import Completion, Course, StaffMember


def _run(t, data: bytes, **options):
    return completions_import(actor=t.lead, organisation=t.org, csv_text=decode(data), **options)


@pytest.fixture
def setup(t):
    with tenant_context(t.org):
        course("Prevent awareness", code="PREV-01", months=24)
        person("NM1001", "Łucja Wróblewska", email="l.wroblewska@alderley.example")
    return t


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excels_unicode_text_export_utf16_and_tabs_imports(setup, encoding):
    # given: Excel's "Unicode Text" (UTF-16 with a byte-order mark, tab-separated)
    text = "Staff ID\tLearner\tCourse\tCompleted\r\nNM1001\tŁucja Wróblewska\tPrevent awareness\t15/03/2025\r\n"
    data = text.encode(encoding)
    if encoding != "utf-16":
        data = ("\ufeff" + text).encode(encoding)

    # when
    with tenant_context(setup.org):
        result = _run(setup, data)
        rows = list(Completion.objects.values_list("person__staff_id", "completed_on"))

    # then
    assert result.imported == 1 and rows == [("NM1001", date(2025, 3, 15))]


@pytest.mark.parametrize(
    "email",
    ["x" * 250 + "@alderley.example", "siddharth iyer@alderley.example", "s.iyer\x00@alderley.example", "not-an-email"],
)
def test_a_new_persons_bad_email_is_a_row_error_not_a_crash(setup, email):
    # given: a row that adds a person with an email the staff list would refuse (too long, a space, NUL)
    data = (
        "Staff ID,Name,Department,Role,Email,Course,Completed\r\n"
        "NM1001,Łucja Wróblewska,Library,Support,,Prevent awareness,01/02/2025\r\n"
        f"NM2001,Siddharth İyer,Estates,Security,{email},Prevent awareness,01/02/2025\r\n"
    ).encode()

    # when / then: refused naming row 3's email column; nothing written
    with tenant_context(setup.org):
        with pytest.raises(ImportRejected) as refused:
            _run(setup, data, add_people=True)
        assert refused.value.lines()[0].startswith("Row 3, Email: ")
        assert not StaffMember.objects.filter(staff_id="NM2001").exists() and not Completion.objects.exists()


def test_course_names_that_differ_only_in_punctuation_or_accents_are_not_confused(setup):
    # given: two real courses whose names fold to the same key
    with tenant_context(setup.org):
        part_one = course("WRAP: part 1", kind="briefing", tier="face_to_face")
        other = course("WRAP part 1", kind="briefing", tier="face_to_face")
    exact = "Staff ID,Course,Completed\r\nNM1001,WRAP: part 1,01/02/2025\r\nNM1001,wrap part 1,02/02/2025\r\n"
    loose = "Staff ID,Course,Completed\r\nNM1001,WRAP - part 1,03/02/2025\r\n"

    with tenant_context(setup.org):
        # when: each row names one of them exactly (case aside)
        _run(setup, exact.encode())
        got = dict(Completion.objects.values_list("completed_on", "course_id"))
        # then: each completion is of the course it names
        assert got == {date(2025, 2, 1): part_one.pk, date(2025, 2, 2): other.pk}

        # and a row that matches both only loosely is refused, naming both, not given to one at random
        with pytest.raises(ImportRejected) as refused:
            _run(setup, loose.encode())
        assert "WRAP: part 1" in refused.value.lines()[0] and "WRAP part 1" in refused.value.lines()[0]
        assert Completion.objects.count() == 2


def test_the_same_export_imported_twice_at_once_is_imported_once_without_an_error(committing_db, world):
    # given: a committed staff list and course (a double-click on "Import" sends the file twice at once)
    import threading

    from django.db import connection

    from tenants.models import Organisation, Role
    from tenants.services import membership_grant
    from tests.factories import UserFactory

    org = Organisation.objects.get(pk=world.alderley)
    lead = UserFactory()
    membership_grant(actor=None, organisation=org, user=lead, roles=[Role.PREVENT_LEAD])
    header = "Staff ID,Name,Department,Role,Course,Completed\r\n"
    rows = "".join(f"RACE{n:04d},Person {n},Estates,Security,Race course,01/02/2025\r\n" for n in range(1500))
    with tenant_context(org):
        course("Race course")
    start, errors, results = threading.Barrier(2), [], []

    def run() -> None:
        try:
            start.wait()
            with tenant_context(org):
                results.append(completions_import(actor=lead, organisation=org, csv_text=header + rows,
                                                  add_people=True))  # fmt: skip
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connection.close()

    try:
        # when
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        # then: no error; every completion once; the second import found them recorded already
        assert errors == []
        with tenant_context(org):
            assert Completion.objects.filter(course__title="Race course").count() == 1500
            assert StaffMember.objects.filter(staff_id__startswith="RACE").count() == 1500
        assert sorted((r.imported, r.already, r.people_added) for r in results) == [(0, 1500, 0), (1500, 0, 1500)]
    finally:
        with tenant_context(org):
            Completion.objects.filter(course__title="Race course").delete()
            StaffMember.objects.filter(staff_id__startswith="RACE").delete()
            Course.objects.filter(title="Race course").delete()
