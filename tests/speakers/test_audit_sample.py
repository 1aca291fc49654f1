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
        assert first.failures_by_check == {"required_fields": 0, "notice": 0, "escalation": 0, "authority": 0}
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
