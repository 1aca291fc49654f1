"""The referrals demo: the college's cases reach Northmoor as summaries, two terms of counts and one
approved identified transfer, all through the exchange and the policy; seeding again adds nothing."""

from django_tenants.utils import tenant_context

from hub import demo
from referrals import selectors
from referrals.demo import demo_referrals
from referrals.models import AggregateSend, SummaryShare, TransferRequest, TransferStatus
from sharing.models import SharedCheck
from tenants.models import Organisation, User
from welfare.models import Case


def test_the_university_receives_every_case_two_terms_and_one_approved_transfer_once(db, world):
    by_slug = demo.demo_seed()
    college, northmoor = by_slug["northmoor-college"], by_slug["northmoor"]
    shared_before = SharedCheck.objects.filter(source=college).count()

    demo_referrals(by_slug)

    assert SharedCheck.objects.filter(source=college).count() == shared_before
    with tenant_context(college):
        cases = Case.objects.count()
        assert SummaryShare.objects.count() == cases
        assert AggregateSend.objects.count() == 2
        (transfer,) = TransferRequest.objects.all()
        assert transfer.status == TransferStatus.SENT and transfer.decided_by_id != transfer.requested_by_id
    lead = User.objects.get(email="amara.okafor@northmoor.example")
    received = selectors.received_summary_for(organisation=northmoor, user=lead, source_id=college.pk)
    assert len(received["cases"]) == cases
    assert len(received["aggregates"]) == 2
    (identified,) = received["transfers"]
    assert identified.data["justification"] and identified.data["subject"]["family_name"]
    pseudonyms = {v.data["pseudonym"] for v in received["cases"]}
    assert identified.data["pseudonym"] in pseudonyms and len(pseudonyms) == cases
    assert Organisation.objects.filter(slug="northmoor-college").exists()
