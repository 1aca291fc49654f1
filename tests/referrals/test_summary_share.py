"""Summary level, end to end: a partner's case reaches its validating university as a pseudonymised
notice through the exchange and the policy, updates join up, and pseudonyms differ per recipient."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from agreements import services as agreement_services
from agreements.policy import SharingDenied
from referrals import selectors, services
from referrals.models import SummaryShare
from tests.referrals.conftest import stored


def _share(partner, actor, case, recipient):
    with tenant_context(partner):
        return services.case_summary_share(actor=actor, case=case, recipient=recipient)


def _received(university, user, partner=None):
    return selectors.received_summary_for(organisation=university, user=user, source_id=partner.pk if partner else None)


def test_a_summary_reaches_the_validating_university_with_stage_and_outcome_and_no_name(
    franchise, partner, university, people, make_case
):
    case = make_case(
        prevent_lead_involved_on=date(2026, 10, 3), external_advice_sought_on=date(2026, 10, 17),
        outcome="internal_support", outcome_recorded_on=date(2026, 11, 2),
    )  # fmt: skip

    _share(partner, people.lead, case, university)

    (view,) = _received(university, people.uni_lead, partner)["cases"]
    assert view.data["stage"] == "external_advice_sought"
    assert view.data["outcome"] == "internal_support"
    assert view.data["stages"] == [
        {"stage": "prevent_lead_involved", "month": "2026-10"},
        {"stage": "external_advice_sought", "month": "2026-10"},
    ]
    flat = str(view.data)
    for identifying in ("Temperance", "Adebayo", "S1234567", "coming war", "2026-10-03", "islamist"):
        assert identifying not in flat
    assert view.data["pseudonym"].startswith("CASE-") or view.data["pseudonym"]


def test_an_update_joins_up_under_the_same_pseudonym_and_replaces_the_old_version(
    franchise, partner, university, people, make_case
):
    case = make_case(prevent_lead_involved_on=date(2026, 10, 3))
    _share(partner, people.lead, case, university)
    (first,) = _received(university, people.uni_lead)["cases"]

    with tenant_context(partner):
        case.external_advice_sought_on = date(2026, 10, 20)
        case.save()
        updated = services.case_changed(case)
        unchanged = services.case_changed(case)

    (second,) = _received(university, people.uni_lead)["cases"]
    assert updated == [university.pk] and unchanged == []
    assert second.data["pseudonym"] == first.data["pseudonym"]
    assert (second.version, second.data["stage"]) == (2, "external_advice_sought")


def test_pseudonyms_are_stable_per_recipient_and_differ_between_recipients(
    drafting, partner, university, second_university, people, make_case, member
):
    drafting.active([university, partner], template="franchise")
    drafting.active([second_university, partner], template="franchise")
    other_lead = member(second_university, "prevent_lead")
    cases = [make_case(), make_case(subject_given_name="Bilal")]
    for case in cases:
        _share(partner, people.lead, case, university)
        _share(partner, people.lead, case, second_university)

    at_first = {v.ref: v.data["pseudonym"] for v in _received(university, people.uni_lead)["cases"]}
    at_second = {v.ref: v.data["pseudonym"] for v in _received(second_university, other_lead)["cases"]}

    assert len(set(at_first.values())) == 2 and len(set(at_second.values())) == 2
    assert not set(at_first.values()) & set(at_second.values())
    with tenant_context(partner):  # an update keeps each recipient's own pseudonym
        for case in cases:
            case.prevent_lead_involved_on = date(2026, 11, 5)
            case.save()
            services.case_changed(case)
    assert {v.ref: v.data["pseudonym"] for v in _received(university, people.uni_lead)["cases"]} == at_first
    assert {v.ref: v.data["pseudonym"] for v in _received(second_university, other_lead)["cases"]} == at_second


def test_a_summary_to_an_organisation_no_agreement_covers_is_refused_storing_nothing(
    franchise, partner, org_b, people, make_case
):
    case = make_case()
    before = stored()

    with pytest.raises(SharingDenied):
        _share(partner, people.lead, case, org_b)
    with pytest.raises(ValidationError) as no_recipient:
        _share(partner, people.lead, case, None)

    assert "recipient" in no_recipient.value.message_dict
    assert stored() == before


def test_someone_who_may_not_see_the_case_cannot_share_it_and_nothing_is_stored(
    franchise, partner, university, people, make_case
):
    case = make_case()
    before = stored()

    for outsider in (people.officer, people.dpo):  # not on the team / no referrals:share
        with pytest.raises(PermissionDenied):
            _share(partner, outsider, case, university)

    assert stored() == before
    with tenant_context(partner):
        assert SummaryShare.objects.count() == 0


def test_when_the_agreement_ends_mid_way_the_university_can_no_longer_open_and_updates_are_refused(
    franchise, drafting, partner, university, people, make_case
):
    case = make_case(prevent_lead_involved_on=date.today() - timedelta(days=3))  # noqa: DTZ011
    _share(partner, people.lead, case, university)
    assert len(_received(university, people.uni_lead)["cases"]) == 1

    agreement_services.agreement_suspend(
        actor=drafting.signatory(university), organisation=university, agreement=franchise, reason="Breach review"
    )

    assert _received(university, people.uni_lead)["cases"] == []
    before = stored()
    with pytest.raises(SharingDenied):
        _share(partner, people.lead, make_case(), university)
    with tenant_context(partner):
        case.external_advice_sought_on = date.today()  # noqa: DTZ011
        case.save()
        assert services.case_changed(case) == []
    assert stored() == before
