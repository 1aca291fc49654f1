"""Review 2 (issue 9 §3): a CSV import of a badly-shaped file must not amplify into a huge answer.

Seen on the dev server: a 12 MB file of 3,000,000 rows `x,` under a one-column header took 89 s
and answered with a 945 MB JSON body (one "Row N, (whole row): …" message per row); the
uvicorn worker grew to 2.2 GB resident. The problem list needs a cap ("… and N more rows").
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

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
