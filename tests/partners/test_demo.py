"""The demo: two terms of reports from the franchise partner to its validating university, idempotent."""

from django_tenants.utils import tenant_context

from agreements.models import Purpose, RecordKind
from hub import demo
from partners.models import PartnerReport, ReportComment, TrainingRecord
from sharing import records
from tenants.models import Organisation, User


def test_the_demo_has_two_terms_of_reports_received_by_the_university_and_seeding_again_adds_nothing(db, world):
    demo.demo_seed()
    college, northmoor = Organisation.objects.get(slug="northmoor-college"), Organisation.objects.get(slug="northmoor")
    with tenant_context(college):
        first = sorted(PartnerReport.objects.values_list("period_code", "version", "status"))
    demo.demo_seed()

    with tenant_context(college):
        assert sorted(PartnerReport.objects.values_list("period_code", "version", "status")) == first
    assert len({code for code, _, _ in first}) == 2 and len(first) == 3
    assert all(status == "sent" for _, _, status in first)
    received = records.records_received(organisation=northmoor, user=User.objects.get(email=demo.PEOPLE[0].email),
                                        kind=RecordKind.PARTNER_REPORT, purpose=Purpose.PARTNER_OVERSIGHT)  # fmt: skip
    assert sorted(v.version for v in received) == [1, 2]
    with tenant_context(northmoor):
        assert ReportComment.objects.count() == 1
        assert TrainingRecord.objects.filter(partner_id=college.pk).count() == 1
