"""Issue 9 §3: CSV files that office staff and Excel produce and open.

Every speaker and organiser name here is a fictional combination.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context

from core.csv_file import write_csv
from core.models import AuditEvent
from speakers import services
from speakers.csv_format import export_header
from speakers.models import EventRequest
from speakers.services import ImportRejected
from tests.speakers.conftest import approve, assess, submit
from tests.speakers.test_csv import GOOD

HEADER = export_header(2, 1)


def _file(*rows: dict, header=HEADER, separator=",", bom=True, newline="\r\n") -> str:
    def line(cells):
        return separator.join('"' + c.replace('"', '""') + '"' if set(c) & set(separator + '"\r\n') else c
                              for c in cells)  # fmt: skip

    lines = [line(header)] + [line([row.get(c, "") for c in header]) for row in rows]
    return ("\ufeff" if bom else "") + newline.join(lines) + newline


def _decided(a, **overrides):
    request = submit(a.organiser, **overrides)
    assess(a.reviewer, request)
    approve(a.reviewer, request)
    return request


# -- the five failing cases of the issue ------------------------------------------------------------


def test_a_title_or_venue_that_starts_a_formula_is_exported_neutralised_and_imported_back(a, b, org_a, org_b):
    hyperlink = '=HYPERLINK("http://example.invalid/x","Agenda")'
    with tenant_context(org_a):
        _decided(a, title=hyperlink, venue="+44 Room 2")
        exported = services.event_requests_export(actor=a.auditor)

    assert '"\'=HYPERLINK(""http://example.invalid/x"",""Agenda"")"' in exported
    assert '"\'+44 Room 2"' in exported
    assert '"=HYPERLINK' not in exported and '"+44' not in exported
    with tenant_context(org_b):
        services.event_requests_import(actor=b.admin, csv_text=exported)
        imported = EventRequest.objects.get()
        assert (imported.title, imported.venue) == (hyperlink, "+44 Room 2")


def test_the_export_has_a_bom_so_excel_reads_accented_names(a, org_a, client_on):
    with tenant_context(org_a):
        _decided(a, speakers=[services.SpeakerDetails(name="Łucja Wróblewska", topic="Archives")])

    response = client_on(org_a, a.auditor).get("/speakers/export.csv")

    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Łucja Wróblewska".encode() in body and b"\r\n" in body
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_rows_of_only_commas_after_a_valid_row_are_skipped(a, org_a):
    text = _file(GOOD) + "," * (len(HEADER) - 1) + "\r\n" + "," * (len(HEADER) - 1) + "\r\n"

    with tenant_context(org_a):
        result = services.event_requests_import(actor=a.admin, csv_text=text)

        assert result.imported == 1
        assert EventRequest.objects.get().title == GOOD["title"]


def test_a_row_with_more_cells_than_the_header_is_a_400_naming_the_row_and_the_fix(a, org_a, client_on):
    good = _file(GOOD, {**GOOD, "title": "Second"})
    lines = good.split("\r\n")
    lines[2] = lines[2].replace("Cinema 1", "Cinema 1, Arts Building")  # an unquoted comma in a venue
    upload = SimpleUploadedFile("requests.csv", "\r\n".join(lines).encode("utf-8"), "text/csv")

    response = client_on(org_a, a.admin).post("/speakers/import/", {"file": upload})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in body and "<td>3</td>" in body
    assert "Put the value in quotes or remove the comma" in body
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()
        assert not AuditEvent.objects.filter(action="speakers.import").exists()


def test_a_pipe_in_an_affiliation_and_a_semicolon_in_a_topic_survive_the_round_trip(a, b, org_a, org_b):
    speakers = [
        services.SpeakerDetails(
            name="Nguyễn Thị Bảo Ngọc", affiliation="Arts | Humanities Faculty", topic="Cities; and the people in them"
        ),  # fmt: skip
        services.SpeakerDetails(name="Tavita Leota-Brandt", affiliation="Ocean Policy, Wellington", topic="Fish"),
    ]
    with tenant_context(org_a):
        _decided(a, speakers=speakers)
        exported = services.event_requests_export(actor=a.auditor)
    with tenant_context(org_b):
        services.event_requests_import(actor=b.admin, csv_text=exported)
        got = [(s.name, s.affiliation, s.topic) for s in EventRequest.objects.get().speakers.all()]

    assert got == [(s.name, s.affiliation, s.topic) for s in speakers]


# -- files as people really make them --------------------------------------------------------------


def test_a_european_excel_file_with_semicolons_bom_crlf_and_trailing_empty_columns_imports(a, org_a):
    header = HEADER + ["", ""]
    row = {**GOOD, "speaker_1_name": "Łucja Wróblewska", "speaker_2_name": "Nguyễn Thị Bảo Ngọc",
           "speaker_2_topic": "Rivers; deltas", "venue": "Sala 3, Budynek B"}  # fmt: skip
    text = _file(row, header=header, separator=";")

    with tenant_context(org_a):
        services.event_requests_import(actor=a.admin, csv_text=text)
        request = EventRequest.objects.get()

        assert request.venue == "Sala 3, Budynek B"
        assert [s.name for s in request.speakers.all()] == ["Łucja Wróblewska", "Nguyễn Thị Bảo Ngọc"]
        assert request.speakers.all()[1].topic == "Rivers; deltas"


def test_invisible_characters_and_spaces_around_codes_and_headers_are_ignored(a, org_a):
    header = [f" {c.upper()}\u200b" if c == "title" else c for c in HEADER]
    row = {**GOOD, "outcome": "\u00a0Approved\u200b ", "open_to_public": "Yes\ufeff", "decided_on": " 2025-01-20"}
    text = _file({**row, " TITLE\u200b": GOOD["title"]}, header=header)

    with tenant_context(org_a):
        services.event_requests_import(actor=a.admin, csv_text=text)
        request = EventRequest.objects.get()

        assert request.decision.outcome == "approved" and request.open_to_public
        assert request.title == GOOD["title"]


def test_a_formula_typed_in_excel_with_a_leading_apostrophe_is_imported_without_it(a, org_a):
    text = _file({**GOOD, "title": "'=Agenda and minutes", "venue": "'+44 Room 2", "reasons": "'Tis lawful."})

    with tenant_context(org_a):
        services.event_requests_import(actor=a.admin, csv_text=text)
        request = EventRequest.objects.get()

        assert (request.title, request.venue, request.decision.reasons) == (
            "=Agenda and minutes", "+44 Room 2", "'Tis lawful."
        )  # fmt: skip


def test_dates_that_excel_re_saved_day_first_are_read_as_uk_dates(a, org_a):
    text = _file({**GOOD, "starts_at": "11/02/2025 18:30:00", "submitted_on": "06/01/2025", "decided_on": "20/01/2025"})

    with tenant_context(org_a):
        services.event_requests_import(actor=a.admin, csv_text=text)
        request = EventRequest.objects.get()

        assert timezone.localtime(request.starts_at).strftime("%Y-%m-%d %H:%M") == "2025-02-11 18:30"
        assert request.notice_working_days == 26 and timezone.localdate(request.decision.decided_at).day == 20


def test_a_file_saved_without_a_bom_and_with_lf_line_ends_imports(a, org_a):
    text = _file(GOOD, bom=False, newline="\n")

    with tenant_context(org_a):
        assert services.event_requests_import(actor=a.admin, csv_text=text).imported == 1


def test_the_old_single_speakers_column_is_refused_with_the_columns_that_replace_it(a, org_a):
    text = (
        "title,starts_at,venue,speakers,outcome,decided_on,reasons\r\n"
        "T,2025-02-11 18:30,Hall,A | B | C,approved,2025-01-20,R\r\n"
    )

    with tenant_context(org_a), pytest.raises(ImportRejected) as rejected:
        services.event_requests_import(actor=a.admin, csv_text=text)

    messages = {e.column: e.message for e in rejected.value.errors}
    assert "speaker_1_name" in messages["speakers"]


# -- every kind of malformed file is a list of row errors, never a crash ----------------------------

MALFORMED = [
    ("more cells than columns", lambda t: t.replace("Cinema 1", "Cinema 1,Arts Building"), 2, "(whole row)"),
    ("a NUL character", lambda t: t.replace("Cinema 1", "Cinema\x001"), 2, "venue"),
    ("a title of 201 characters", lambda t: t.replace("Archive film evening", "x" * 201), 2, "title"),
    ("an audience beyond any integer", lambda t: t.replace(",80,", ",99999999999,"), 2, "expected_audience"),
    ("an audience in other digits", lambda t: t.replace(",80,", ",٨٠,"), 2, "expected_audience"),
    ("a value under an unnamed column", lambda t: t.replace("mitigation_1_progress", ""), 2, "(no heading)"),
    ("an undecided request from an export", lambda t: t.replace(",decided,", ",submitted,"), 2, "status"),
    ("a status that contradicts the outcome", lambda t: t.replace(",decided,", ",withdrawn,"), 2, "status"),
    ("a speaker without a name", lambda t: t.replace("Siosaia Tupou", ""), 2, "speaker_1_name"),
    ("a column named twice", lambda t: t.replace("description", "title", 1), 1, "title"),
    ("an unclosed quote past a huge cell", lambda t: t.replace("Cinema 1", '"' + "x" * 140_000), 2, "(whole row)"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "row", "column"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_is_refused_with_its_row_and_column_and_nothing_is_imported(
    a, org_a, case, change, row, column
):
    base = _file({**GOOD, "status": "decided", "mitigation_1_progress": "done" if case.startswith("a value") else ""})
    text = change(base)

    with tenant_context(org_a), pytest.raises(ImportRejected) as rejected:
        services.event_requests_import(actor=a.admin, csv_text=text)

    assert (row, column) in [(e.row, e.column) for e in rejected.value.errors], rejected.value.errors
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()


def test_write_csv_is_what_the_export_uses():
    assert write_csv(["a"], [["=1"]]).endswith('"\'=1"\r\n')
