"""CSV import is all-or-nothing with row-by-row errors; export round-trips through import."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from speakers import services
from speakers.csv_format import export_header
from speakers.models import EventRequest
from speakers.services import ImportRejected
from tests.speakers.conftest import approve, assess, submit

GOOD = {
    "title": "Archive film evening",
    "starts_at": "2025-02-11 18:30",
    "venue": "Cinema 1",
    "format": "in_person",
    "open_to_public": "yes",
    "expected_audience": "80",
    "organising_body": "Film Society",
    "speaker_1_name": "Siosaia Tupou",
    "speaker_1_affiliation": "Pacific Film Archive",
    "speaker_1_topic": "Oral history on film",
    "submitted_on": "2025-01-06",
    "risk_level": "low",
    "higher_risk": "no",
    "free_speech_considerations": "Lawful.",
    "outcome": "approved",
    "decided_on": "2025-01-20",
    "decider_role": "reviewer",
    "reasons": "No risk factors.",
}


def _csv(*rows: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=export_header(2, 2))
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def test_a_file_with_good_and_bad_rows_imports_nothing_and_lists_each_error(a, org_a):
    text = _csv(
        GOOD,
        {**GOOD, "starts_at": "11/02/2025"},
        {**GOOD, "outcome": "banned"},
        {**GOOD, "speaker_1_name": "", "speaker_1_affiliation": "", "speaker_1_topic": ""},
        {
            **GOOD,
            "outcome": "approved_with_mitigations",
            "mitigation_1_label": "Independent chair",
            "mitigation_1_basis": "prevent",
        },
    )
    with tenant_context(org_a):
        with pytest.raises(ImportRejected) as rejected:
            services.event_requests_import(actor=a.admin, csv_text=text)

        found = [(e.row, e.column) for e in rejected.value.errors]
        assert found == [(3, "starts_at"), (4, "outcome"), (5, "speaker_1_name")]
        assert "YYYY-MM-DD HH:MM" in rejected.value.errors[0].message
        assert not EventRequest.objects.exists()
        assert not AuditEvent.objects.filter(action="speakers.import").exists()


def test_a_good_file_imports_every_row_as_decided_history(a, org_a):
    text = _csv(
        GOOD,
        {
            **GOOD,
            "reference": "OLD-7",
            "outcome": "rejected",
            "rejection_category": "health_and_safety",
            "rejection_explanation": "Venue capacity.",
            "decider_role": "senior_decision_maker",
        },
    )
    with tenant_context(org_a):
        result = services.event_requests_import(actor=a.prevent_lead, csv_text=text)

        assert result.imported == 2
        old = EventRequest.objects.get(reference="OLD-7")
        assert old.imported and old.decision.outcome == "rejected" and old.decision.as_senior_decision_maker
        assert old.notice_working_days == 26 and old.notice_met


def test_unknown_columns_and_duplicate_references_are_reported(a, org_a):
    with tenant_context(org_a):
        bad_header = "title,start,speakers,outcome\nx,y,z,approved\n"
        with pytest.raises(ImportRejected) as rejected:
            services.event_requests_import(actor=a.admin, csv_text=bad_header)
        assert (1, "start") in [(e.row, e.column) for e in rejected.value.errors]

        with pytest.raises(ImportRejected) as rejected:
            services.event_requests_import(
                actor=a.admin, csv_text=_csv({**GOOD, "reference": "R1"}, {**GOOD, "reference": "R1"})
            )
        assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "reference")]


def test_only_an_admin_or_the_prevent_lead_imports(a, org_a):
    with tenant_context(org_a), pytest.raises(Exception, match="admin or the Prevent lead"):
        services.event_requests_import(actor=a.reviewer, csv_text=_csv(GOOD))
    with tenant_context(org_a):
        assert not EventRequest.objects.exists()


def test_the_export_reimports_into_another_organisation(a, b, org_a, org_b):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, mitigations=("Independent chair",))
        approve(
            a.reviewer,
            request,
            outcome="approved_with_mitigations",
            imposed_mitigation_ids=[m.pk for m in request.mitigations.all()],
        )
        exported = services.event_requests_export(actor=a.auditor)
    assert '"Dr Ngozi Adebayo-Flint","Institute of Place","Housing"' in exported
    assert '"Independent chair","other","pending"' in exported

    with tenant_context(org_b):
        result = services.event_requests_import(actor=b.admin, csv_text=exported)
        assert result.imported == 1
        assert EventRequest.objects.get().mitigations.get().label == "Independent chair"


def test_the_import_command_shows_progress_on_stderr_and_lists_errors(a, org_a, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(_csv(GOOD, GOOD))
    out, err = io.StringIO(), io.StringIO()

    call_command("speakers_import", "--org", org_a.slug, "--as", a.admin.email, str(good), stdout=out, stderr=err)

    assert "Imported 2 request(s)" in out.getvalue()
    assert "[##############################] 4/4" in capsys.readouterr().err + err.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text(_csv({**GOOD, "decided_on": "yesterday"}))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("speakers_import", "--org", org_a.slug, "--as", a.admin.email, str(bad), stdout=out, stderr=err)
    assert "row 2, column decided_on" in err.getvalue()


def test_the_export_and_audit_sample_commands_work_on_the_named_organisation(a, org_a):
    with tenant_context(org_a):
        services.event_requests_import(actor=a.admin, csv_text=_csv(GOOD))
    out = io.StringIO()
    call_command("speakers_export", "--org", org_a.slug, "--as", a.auditor.email, stdout=out)
    assert "Archive film evening" in out.getvalue()

    out = io.StringIO()
    call_command(
        "speakers_audit_sample",
        "--org",
        org_a.slug,
        "--as",
        a.auditor.email,
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "-n",
        "5",
        "--seed",
        "1",
        stdout=out,
    )
    assert "1 of 1 (seed 1)" in out.getvalue() and "Summary: 1 of 1" in out.getvalue()
