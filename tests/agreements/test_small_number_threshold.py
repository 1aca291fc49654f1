"""The agreement term `small_number_threshold`: counts below it are suppressed in shared aggregates."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from agreements import selectors, verify
from agreements.isa_templates import TEMPLATES
from agreements.models import Agreement, AgreementVersion
from agreements.selectors import agreement_export, agreement_version, small_number_threshold
from agreements.validation import clean_terms
from tests.agreements.conftest import counts, terms_for


def test_the_franchise_template_shows_five_and_a_signed_franchise_agreement_reads_five(drafting, org_a, partner):
    agreement = drafting.active([org_a, partner], template="franchise")

    assert TEMPLATES["franchise"].terms([org_a.slug, partner.slug])["small_number_threshold"] == 5
    assert small_number_threshold(agreement.pk) == 5
    readable = {r["label"]: r["value"] for r in agreement.current_version.document["readable"]}
    assert readable["Small-number threshold (counts below it are suppressed)"] == (
        'Counts below 5 are shown as "fewer than 5"'
    )
    assert agreement.current_version.document["terms"]["small_number_threshold"] == 5


def test_an_agreement_in_force_gives_its_own_threshold(drafting, org_a, partner):
    agreement = drafting.active([org_a, partner], template="franchise", small_number_threshold=10)

    assert small_number_threshold(agreement.pk) == 10


def test_an_empty_threshold_means_five(org_a, partner):
    _, cleaned = clean_terms(
        parties=[org_a.slug, partner.slug], terms=terms_for("franchise", [org_a, partner], small_number_threshold="")
    )

    assert cleaned["small_number_threshold"] == 5


@pytest.mark.parametrize("bad", [1, 0, 51, -3, "five", 2.5, True])
def test_a_threshold_outside_two_to_fifty_is_refused_naming_the_field_and_nothing_is_stored(
    drafting, org_a, partner, bad
):
    drafting.lead(org_a), drafting.signatory(org_a), drafting.lead(partner), drafting.signatory(partner)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        drafting.draft([org_a, partner], template="franchise", small_number_threshold=bad)

    assert "whole number from 2 to 50" in refused.value.message_dict["small_number_threshold"][0]
    assert counts() == before


def test_no_agreement_or_nothing_in_force_reads_the_default(drafting, org_a, partner):
    draft = drafting.draft([org_a, partner], template="franchise", small_number_threshold=12)

    assert small_number_threshold(draft.pk) == 5  # not in force yet
    assert small_number_threshold(999_999) == 5


def test_a_version_signed_before_the_term_existed_still_verifies_and_reads_the_default(drafting, org_a, partner):
    # given: a version written before the term (no value), proposed and signed as it was then
    agreement = drafting.draft([org_a, partner], template="franchise")
    AgreementVersion.objects.filter(agreement=agreement).update(small_number_threshold=None)
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    drafting.sign(agreement, partner)
    agreement = Agreement.objects.get(pk=agreement.pk)

    export = agreement_export(agreement_version(agreement, 1))
    problems, confirmations = verify.verify_text(json.dumps(export, sort_keys=True))

    assert "small_number_threshold" not in export["document"]["terms"]  # the signed text is as it was
    assert problems == [] and len(confirmations) == 2
    assert small_number_threshold(agreement.pk) == 5
    shown = {r["label"]: r["value"] for r in selectors.readable_version(agreement.current_version)}
    assert shown["Small-number threshold (counts below it are suppressed)"].endswith(
        "(the default: this version predates the term)"
    )


def test_a_threshold_written_as_text_in_a_signed_export_is_refused(drafting, org_a, partner):
    agreement = drafting.active([org_a, partner], template="franchise")
    export = agreement_export(agreement_version(agreement, 1))
    export["document"]["terms"]["small_number_threshold"] = "5"

    problems, _ = verify.verify_text(json.dumps(export))

    assert any("document.terms.small_number_threshold: should be whole number" in p for p in problems)
