"""The random-sample audit checks that the procedure was followed for each sampled request."""

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from speakers import services
from speakers.models import Decision, EventRequest
from tests.speakers.conftest import SPEAKERS, approve, assess, details, in_days, submit


def _seed(a):
    ids = []
    for i in range(6):
        request = submit(a.organiser, title=f"Talk {i}")
        assess(a.reviewer, request)
        approve(a.reviewer, request)
        ids.append(request.pk)
    late = services.event_request_submit(
        actor=a.organiser, details=details(starts_at=in_days(2)),
        speakers=SPEAKERS, short_notice_reason="Late confirmation.",
    )  # fmt: skip
    assess(a.reviewer, late, risk_level="high")
    services.event_request_escalate(actor=a.reviewer, event_request=late, decision_maker=a.senior, note="High.")
    approve(a.senior, late)
    return ids + [late.pk]


def test_a_seeded_sample_is_repeatable_and_reports_every_check_and_a_summary(a, org_a):
    with tenant_context(org_a):
        _seed(a)
        today = timezone.localdate()

        first = services.audit_sample_run(actor=a.auditor, date_from=today, date_to=today, size=4, seed=7)
        second = services.audit_sample_run(actor=a.auditor, date_from=today, date_to=today, size=4, seed=7)

        assert [r.request_id for r in first.sampled] == [r.request_id for r in second.sampled]
        assert first.population == 7 and len(first.sampled) == 4
        assert all(r.passed for r in first.sampled), [c for r in first.sampled for c in r.checks if not c.passed]
        assert first.failures_by_check == {
            "required_fields": 0, "notice": 0, "escalation": 0, "authority": 0, "mitigations": 0
        }  # fmt: skip
        assert AuditEvent.objects.filter(action="speakers.audit_sample").count() == 2


def test_the_sample_flags_a_decision_made_without_authority_or_escalation(a, org_a):
    with tenant_context(org_a):
        ids = _seed(a)
        # A record tampered with outside the services: decided by someone with no reviewing role.
        Decision.objects.filter(request_id=ids[0]).update(decider_roles=["organiser"])
        EventRequest.objects.filter(pk=ids[1]).update(short_notice_reason="", notice_met=False)
        today = timezone.localdate()

        report = services.audit_sample_run(actor=a.auditor, date_from=today, date_to=today, size=50, seed=1)

        by_id = {row.request_id: {c.key: c.passed for c in row.checks} for row in report.sampled}
        assert by_id[ids[0]]["authority"] is False and by_id[ids[1]]["notice"] is False
        assert report.failures_by_check["authority"] == 1 and report.passed_count == 5


def test_requests_decided_outside_the_period_are_not_sampled(a, org_a):
    with tenant_context(org_a):
        _seed(a)
        last_year = timezone.localdate() - timedelta(days=365)

        report = services.audit_sample_run(actor=a.auditor, date_from=last_year, date_to=last_year, size=5, seed=3)

        assert report.population == 0 and report.sampled == ()


# -- issue 9 §6: false positive, mitigations, labels, export --------------------------------------

HIGHER_RISK_ROW = {
    "title": "Panel on contested histories", "starts_at": "2025-03-04 18:00", "venue": "Great Hall",
    "expected_audience": "200", "organising_body": "History Society", "speaker_1_name": "Aurelio Mbeki-Santos",
    "speaker_1_topic": "Memory", "submitted_on": "2025-02-03", "risk_level": "high", "higher_risk": "yes",
    "free_speech_considerations": "Lawful debate.", "outcome": "approved", "decided_on": "2025-02-20",
    "decider_role": "senior_decision_maker", "reasons": "Lawful; decided by the senior decision-maker.",
}  # fmt: skip


def _import(actor, *rows):
    from tests.speakers.test_csv import _csv

    return services.event_requests_import(actor=actor, csv_text=_csv(*rows))


def _sample(a, start="2025-01-01", end="2025-12-31"):
    from datetime import date

    return services.audit_sample_run(
        actor=a.auditor, date_from=date.fromisoformat(start), date_to=date.fromisoformat(end), size=50, seed=1
    )


def test_an_imported_higher_risk_decision_by_the_senior_decision_maker_passes_escalation(a, org_a):
    with tenant_context(org_a):
        _import(a.admin, HIGHER_RISK_ROW, {**HIGHER_RISK_ROW, "title": "Second", "decider_role": "reviewer"})

        checks = [{c.key: c for c in row.checks} for row in _sample(a).sampled]

        assert checks[0]["escalation"].passed, checks[0]["escalation"].note
        assert not checks[1]["escalation"].passed
        assert "not decided by the senior decision-maker" in checks[1]["escalation"].note


def test_an_imposed_mitigation_not_carried_out_fails_the_sample(a, org_a):
    with_mitigations = {**HIGHER_RISK_ROW, "higher_risk": "no", "risk_level": "low", "decider_role": "reviewer",
                        "outcome": "approved_with_mitigations", "mitigation_1_label": "Independent chair"}  # fmt: skip
    with tenant_context(org_a):
        _import(
            a.admin,
            {**with_mitigations, "mitigation_1_progress": "done"},
            {**with_mitigations, "title": "Pending", "mitigation_1_progress": "pending"},
            {**with_mitigations, "title": "Could not", "mitigation_1_progress": "not_done"},
        )

        report = _sample(a)

        verdicts = [{c.key: (c.passed, c.note) for c in row.checks}["mitigations"] for row in report.sampled]
        assert verdicts == [
            (True, ""),
            (False, "not recorded as done: Independent chair"),
            (False, "could not be done: Independent chair"),
        ]
        assert report.failures_by_check["mitigations"] == 2


def test_a_mitigation_due_before_a_future_event_is_not_yet_a_failure(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, mitigations=("Independent chair", "Post-event report"))
        approve(a.reviewer, request, outcome="approved_with_mitigations",
                imposed_mitigation_ids=[m.pk for m in request.mitigations.all()])  # fmt: skip
        today = timezone.localdate()

        report = services.audit_sample_run(actor=a.auditor, date_from=today, date_to=today, size=5, seed=1)

        assert {c.key: c.passed for c in report.sampled[0].checks}["mitigations"] is True


def test_the_report_page_shows_labels_not_codes_and_links_a_csv_export(a, org_a, client_on):
    with tenant_context(org_a):
        row = {**HIGHER_RISK_ROW, "outcome": "approved_with_mitigations", "mitigation_1_label": "Independent chair"}
        _import(a.admin, row)
    auditor = client_on(org_a, a.auditor)

    page = auditor.get("/speakers/audit-sample/?date_from=2025-01-01&date_to=2025-12-31&size=5&seed=4")

    body = page.content.decode()
    assert "Approved with mitigations" in body and "approved_with_mitigations" not in body
    assert "Imposed mitigations carried out" in body and "required_fields" not in body
    assert "Failed:</strong> Imposed mitigations carried out (not recorded as done: Independent chair)" in body
    assert "/speakers/audit-sample/export.csv?" in body and "seed=4" in body

    download = auditor.get("/speakers/audit-sample/export.csv?date_from=2025-01-01&date_to=2025-12-31&size=5&seed=4")

    text = download.content.decode("utf-8")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeff") and '"Imposed mitigations carried out"' in text
    assert '"Approved with mitigations","no"' in text and '"FAIL","not recorded as done: Independent chair"' in text


def test_the_csv_export_needs_the_audit_scope_and_a_seed(a, org_a, client_on):
    query = "/speakers/audit-sample/export.csv?date_from=2025-01-01&date_to=2025-12-31&size=5"

    assert client_on(org_a, a.organiser).get(query + "&seed=1").status_code == 403
    assert client_on(org_a, a.auditor).get(query).status_code == 400
    with tenant_context(org_a):
        assert not AuditEvent.objects.filter(action="speakers.audit_sample").exists()


def test_the_command_prints_labels_and_writes_the_csv(a, org_a, tmp_path):
    import io

    from django.core.management import call_command

    with tenant_context(org_a):
        _import(a.admin, HIGHER_RISK_ROW)
    out, target = io.StringIO(), tmp_path / "sample.csv"

    call_command("speakers_audit_sample", "--org", org_a.slug, "--as", a.auditor.email, "--from", "2025-01-01",
                 "--to", "2025-12-31", "--seed", "2", "--csv", str(target), stdout=out)  # fmt: skip

    assert (
        "PASS" in out.getvalue() and " Approved " in out.getvalue() and "Escalated where required: 0" in out.getvalue()
    )
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
