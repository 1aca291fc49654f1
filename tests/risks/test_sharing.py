"""A counts-only summary crosses to a network only through the exchange and the policy; access ends with
the agreement or the membership."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_tenants.utils import tenant_context

from agreements import services as agreement_services
from agreements.models import Level, Purpose, RecordKind
from agreements.policy import SharingDenied, access_receive
from risks import selectors, services
from sharing.models import SharedCheck
from sharing.revocation import network_membership_changed
from tenants.models import LinkKind, OrganisationLink
from tests.agreements.conftest import Drafting
from tests.risks.conftest import TODAY


@pytest.fixture
def drafting(member):
    return Drafting(member)


@pytest.fixture
def sharer(org_a, member):
    return member(org_a, "prevent_lead", full_name="Ngozi Abernethy")


@pytest.fixture
def coordinator(network, member):
    return member(network, "coordinator", "org_admin", full_name="Bartosz Wiśniewski")


def _share(org_a, sharer, network):
    with tenant_context(org_a):
        return services.summary_share(actor=sharer, organisation=org_a, network=network)


def _received(network, coordinator):
    return selectors.received_summaries(network, coordinator)


def test_a_member_shares_counts_only_and_the_network_sees_the_same_figures(
    org_a, network, drafting, sharer, coordinator, add_risk, add_action, client_on
):
    drafting.active([network, org_a], template="network_risk_summary")
    add_risk(title="Secret-sounding title about Dr Jovanović", likelihood=4, impact=4)
    add_risk(title="Another", category="welfare", likelihood=1, impact=2)
    add_action(title="Overdue thing", due_on=TODAY.replace(year=TODAY.year - 1), past=True)
    with tenant_context(org_a):
        expected = selectors.overview(TODAY)

    check = _share(org_a, sharer, network)
    (summary,) = _received(network, coordinator)

    assert check.recipient_id == network.pk and summary.view.source_id == org_a.pk
    assert summary.view.level == Level.AGGREGATE
    data = summary.view.data
    assert set(data) == {"version", "as_of", "current", "by_rating", "by_category", "reviews_due", "actions_open",
                         "actions_overdue"}  # fmt: skip
    assert "Jovanović" not in json.dumps(data) and "Overdue thing" not in json.dumps(data)
    assert data["by_rating"] == expected.by_rating and data["by_category"] == expected.by_category
    assert (summary.current, summary.actions_open, summary.actions_overdue) == (2, 1, 1)

    page = client_on(network, coordinator).get("/risks/received/").content.decode()
    assert "Alderley University" in page
    assert "Jovanović" not in page
    row = page.split('data-testid="summary-row"')[1].split("</tr>")[0]
    # Low, Medium, High, Very high, current, reviews due, open, overdue
    assert [cell.split("<")[0] for cell in row.split("<td>")[2:]] == ["1", "0", "0", "1", "2", "0", "1", "1"]


def test_sharing_again_replaces_the_summary_the_network_sees(org_a, network, drafting, sharer, coordinator, add_risk):
    drafting.active([network, org_a], template="network_risk_summary")
    _share(org_a, sharer, network)
    add_risk()
    second = _share(org_a, sharer, network)

    (summary,) = _received(network, coordinator)
    assert second.version == 2 and summary.view.version == 2 and summary.current == 1


def test_without_an_agreement_nothing_is_sent_and_the_page_says_why(org_a, network, sharer, client_on):
    with pytest.raises(SharingDenied):
        _share(org_a, sharer, network)
    assert not SharedCheck.objects.filter(kind=RecordKind.RISK_SUMMARY).exists()

    response = client_on(org_a, sharer).post("/risks/share/", {"network": network.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "No information-sharing agreement in force lets Northern HE Network receive our risk summary" in page
    assert "Nothing was sent" in page
    assert not SharedCheck.objects.filter(kind=RecordKind.RISK_SUMMARY).exists()


def test_only_a_network_we_belong_to_can_receive_it(org_a, partner, sharer):
    with pytest.raises(ValidationError) as excinfo:
        _share(org_a, sharer, partner)
    assert "member of" in excinfo.value.message_dict["network"][0]


def test_the_network_template_sends_risk_summaries_from_members_to_the_network_only(org_a, org_b, network, drafting):
    drafting.active([org_a, org_b, network])  # network_speaker_checks, with the network among the parties
    question = {"kind": RecordKind.RISK_SUMMARY, "level": Level.AGGREGATE, "purpose": Purpose.NETWORK_REPORTING}

    assert access_receive(source_id=org_a.pk, recipient_id=network.pk, **question).allowed
    assert access_receive(source_id=org_b.pk, recipient_id=network.pk, **question).allowed
    with pytest.raises(SharingDenied):  # members never receive each other's summaries
        access_receive(source_id=org_a.pk, recipient_id=org_b.pk, **question)
    with pytest.raises(SharingDenied):  # counts only: nothing above aggregate
        access_receive(source_id=org_a.pk, recipient_id=network.pk, **{**question, "level": Level.SUMMARY})


def test_when_the_agreement_ends_the_summary_disappears(org_a, network, drafting, sharer, coordinator, client_on):
    agreement = drafting.active([network, org_a], template="network_risk_summary")
    _share(org_a, sharer, network)
    assert len(_received(network, coordinator)) == 1

    agreement_services.agreement_terminate(
        actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement, reason="We left the group.",
        notice_days=0,
    )  # fmt: skip

    assert _received(network, coordinator) == []
    page = client_on(network, coordinator).get("/risks/received/").content.decode()
    assert "No member has shared a risk summary with us yet" in page
    with pytest.raises(SharingDenied):
        _share(org_a, sharer, network)


def test_when_the_member_leaves_its_summary_disappears(org_a, network, drafting, sharer, coordinator, client_on):
    drafting.active([network, org_a], template="network_risk_summary")
    _share(org_a, sharer, network)

    with transaction.atomic():
        OrganisationLink.objects.filter(source=org_a, target=network, kind=LinkKind.MEMBER_OF).delete()
        network_membership_changed(network_id=network.pk, member_id=org_a.pk)

    assert _received(network, coordinator) == []
    page = client_on(network, coordinator).get("/risks/received/").content.decode()
    assert "Alderley University" not in page
    with pytest.raises(ValidationError):  # and it can no longer send one
        _share(org_a, sharer, network)
