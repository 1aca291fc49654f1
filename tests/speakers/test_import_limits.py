"""Review 2 (issue 9 §3): a CSV import of a badly-shaped file must not amplify into a huge answer.

Seen on the dev server: a 12 MB file of 3,000,000 rows `x,` under a one-column header took 89 s
and answered with a 945 MB JSON body (one "Row N, (whole row): …" message per row); the
uvicorn worker grew to 2.2 GB resident. The problem list needs a cap ("… and N more rows").
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import tenant_context
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from speakers.csv_format import RowError
from speakers.models import EventRequest
from speakers.services.csv_import import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, MAX_LISTED_PROBLEMS, ImportRejected
from tests.hub import test_api_errors
from tests.hub.test_api_errors import assert_error_shape

api = test_api_errors.api  # the token client fixture

URL = "/api/v1/speakers/import/"


def test_a_small_file_where_every_row_is_wrong_gets_a_bounded_answer(a, org_a, api):
    client = api(org_a, a.prevent_lead)
    text = "title\r\n" + "x,\r\n" * 20_000  # 80 KB
    upload = SimpleUploadedFile("bad.csv", text.encode(), content_type="text/csv")
    response = client.post(URL, data={"file": upload})
    assert response.status_code == 400, response.status_code
    problems = response.json()["errors"]["file"]
    assert len(response.content) < 1_000_000, f"{len(response.content):,} bytes for an 80 KB file"
    assert len(problems) <= 1_000, f"{len(problems):,} problems listed"


def test_the_answer_lists_the_first_hundred_problems_and_counts_the_rest(a, org_a, api):
    text = "title\r\n" + "x,\r\n" * 300
    upload = SimpleUploadedFile("bad.csv", text.encode(), content_type="text/csv")
    problems = api(org_a, a.prevent_lead).post(URL, data={"file": upload}).json()["errors"]["file"]
    assert len(problems) == MAX_LISTED_PROBLEMS + 1
    more = re.match(r"… and (\d+) more problem\(s\) not listed", problems[-1])
    assert more and int(more.group(1)) >= 300 - MAX_LISTED_PROBLEMS, problems[-1]


def test_a_file_with_more_rows_than_the_cap_is_refused_saying_so_and_nothing_is_stored(a, org_a, api):
    with tenant_context(org_a):
        before = EventRequest.objects.count()
    text = "title\r\n" + "A talk\r\n" * (MAX_IMPORT_ROWS + 1)
    upload = SimpleUploadedFile("long.csv", text.encode(), content_type="text/csv")
    response = api(org_a, a.prevent_lead).post(URL, data={"file": upload})
    assert response.status_code == 400, response.status_code
    assert any(f"more than {MAX_IMPORT_ROWS:,} rows" in p for p in response.json()["errors"]["file"])
    with tenant_context(org_a):
        assert EventRequest.objects.count() == before


def test_a_file_over_the_size_cap_is_a_413_naming_file_before_it_is_read(a, org_a, api):
    upload = SimpleUploadedFile("big.csv", b"title\r\n" + b"x" * (MAX_IMPORT_BYTES + 1), content_type="text/csv")
    response = api(org_a, a.prevent_lead).post(URL, data={"file": upload})
    assert response.status_code == 413, response.status_code
    assert_error_shape(response.json())
    assert "at most 5 MB" in response.json()["errors"]["file"][0]


def test_the_import_page_refuses_a_file_over_the_size_cap_naming_the_limit(a, org_a, client_on):
    upload = SimpleUploadedFile("big.csv", b"title\r\n" + b"x" * (MAX_IMPORT_BYTES + 1), content_type="text/csv")
    response = client_on(org_a, a.prevent_lead).post("/speakers/import/", {"file": upload})
    assert response.status_code == 400
    assert "at most 5 MB" in response.content.decode()


def test_the_import_page_shows_the_first_hundred_problems_and_how_many_more(a, org_a, client_on):
    upload = SimpleUploadedFile("bad.csv", ("title\r\n" + "x,\r\n" * 300).encode(), content_type="text/csv")
    page = client_on(org_a, a.prevent_lead).post("/speakers/import/", {"file": upload}).content.decode()
    total = int(re.search(r"Nothing was imported: (\d+) problem\(s\)", page).group(1))
    assert total >= 300
    assert f"and {total - MAX_LISTED_PROBLEMS} more problem(s) not listed" in page
    assert page.count("<tr><td>") == MAX_LISTED_PROBLEMS


def test_the_import_command_refuses_a_file_over_the_size_cap(org_a, a, tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"title\r\n" + b"x" * (MAX_IMPORT_BYTES + 1))
    with pytest.raises(CommandError, match="at most 5 MB"):
        call_command("speakers_import", str(big), org=org_a.slug, actor=a.prevent_lead.email)


# Generated: whatever the count of problems, the list is capped and the total is exact.
@hypothesis_settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=5_000))
def test_a_rejection_lists_at_most_the_cap_and_counts_every_problem(count):
    rejected = ImportRejected([RowError(n + 2, "title", "Enter a title.") for n in range(count)])
    lines = rejected.lines()
    assert rejected.total == count
    assert len(rejected.errors) == min(count, MAX_LISTED_PROBLEMS)
    assert len(lines) == min(count, MAX_LISTED_PROBLEMS) + (1 if count > MAX_LISTED_PROBLEMS else 0)
