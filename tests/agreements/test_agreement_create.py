"""Drafting: ICO fields are checked field by field, and bad input stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services
from agreements.models import AgreementFlow
from tests.agreements.conftest import TODAY, counts, terms_for


def test_a_lead_drafts_an_agreement_from_a_template_as_version_one(drafting, org_a, partner):
    agreement = drafting.draft([org_a, partner], "franchise")

    version = agreement.current_version
    assert version.number == 1 and version.proposed_at is None
    assert [p.organisation for p in version.parties.all()] == [org_a, partner]
    assert version.retention_days == 2190
    # The index holds the draft's flows, none of them signed.
    assert AgreementFlow.objects.filter(agreement=agreement, all_signed=False).count() == 4


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"expiry_date": TODAY - timedelta(days=30)}, "expiry_date", "after the start date"),
        ({"retention_days": ""}, "retention_days", "how many days"),
        ({"retention_days": 0}, "retention_days", "from 1 to"),
        (
            {"special_category_condition": "", "criminal_offence_condition": ""},
            "special_category_condition",
            "Art. 9 or Art. 10",
        ),
        ({"dpa_schedule1_condition": ""}, "dpa_schedule1_condition", "Schedule 1"),
        ({"purpose": "  "}, "purpose", "what the sharing is for"),
        ({"lawful_basis": "6_1_z"}, "lawful_basis", "Article 6"),
        ({"flows": []}, "flows", "record kinds"),
        (
            {"flows": [{"kind": "gossip", "senders": ["x"], "recipients": ["y"], "max_level": "full"}]},
            "flows",
            "kind must be one of",
        ),
        ({"review_date": TODAY + timedelta(days=5000)}, "review_date", "between the start and expiry"),
        ({"dpia_done": True, "dpia_outcome": ""}, "dpia_outcome", "outcome of the DPIA"),
    ],
)
def test_bad_terms_are_refused_naming_the_field_and_nothing_is_stored(
    drafting, org_a, partner, overrides, field, fragment
):
    drafting.lead(org_a)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.agreement_create(
            actor=drafting.lead(org_a),
            organisation=org_a,
            parties=[org_a.slug, partner.slug],
            terms=terms_for("franchise", [org_a, partner], **overrides),
        )

    assert fragment in " ".join(refused.value.message_dict[field])
    assert counts() == before


def test_a_party_that_is_not_an_organisation_in_the_hub_is_named_and_nothing_is_stored(drafting, org_a):
    drafting.lead(org_a)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.agreement_create(
            actor=drafting.lead(org_a),
            organisation=org_a,
            parties=[org_a.slug, "atlantis-college"],
            terms=terms_for("network_speaker_checks", []),
        )

    assert "Not an organisation in the hub: atlantis-college" in refused.value.message_dict["parties"][0]
    assert counts() == before


def test_an_agreement_needs_two_parties_including_the_drafting_organisation(drafting, org_a, org_b, partner):
    drafting.lead(org_a)
    before = counts()

    with pytest.raises(ValidationError) as one_party:
        services.agreement_create(
            actor=drafting.lead(org_a),
            organisation=org_a,
            parties=[org_a.slug],
            terms=terms_for("network_speaker_checks", [org_a]),
        )
    with pytest.raises(ValidationError) as not_us:
        services.agreement_create(
            actor=drafting.lead(org_a),
            organisation=org_a,
            parties=[org_b.slug, partner.slug],
            terms=terms_for("network_speaker_checks", [org_b, partner]),
        )

    assert "at least two parties" in one_party.value.message_dict["parties"][0]
    assert "must be one of the parties" in not_us.value.message_dict["parties"][0]
    assert counts() == before


def test_a_reviewer_without_a_drafting_role_cannot_draft(member, org_a, partner):
    reviewer = member(org_a, "reviewer")
    before = counts()

    with pytest.raises(PermissionDenied):
        services.agreement_create(
            actor=reviewer,
            organisation=org_a,
            parties=[org_a.slug, partner.slug],
            terms=terms_for("franchise", [org_a, partner]),
        )

    assert counts() == before


def test_a_summary_referral_flow_needs_no_special_category_condition(drafting, org_a, org_b):
    agreement = drafting.draft(
        [org_a, org_b], "referral_notification", special_category_condition="", dpa_schedule1_condition=""
    )

    assert agreement.current_version.flows[0]["max_level"] == "summary"
