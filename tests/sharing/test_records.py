"""Records of other kinds through the exchange (`sharing.records`): referrals and partner reports.

Real cryptography and a real database; the partner (Alderley Partner College) reports to the
university that validates it (Alderley University) under the franchise template, and a second
university (Brackenford) stands in for "another recipient of the same source".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.models import AgreementFlow, AgreementVersion, Level, Purpose, RecordKind
from agreements.policy import DenyReason, SharingDenied
from core.models import AuditEvent
from sharing import records, selectors, services
from sharing.models import ChannelGrant, ChannelKey, CheckOpened, Envelope, EnvelopeKey, SharedCheck
from sharing.sweep import exchange_sweep
from tests.sharing.conftest import FakeProjection
from tests.sharing.keyholders import held_secrets, levels_opened, levels_opened_with

AGGREGATE, SUMMARY, FULL = int(Level.AGGREGATE), int(Level.SUMMARY), int(Level.FULL)
REFERRAL, REPORT = RecordKind.REFERRAL, RecordKind.PARTNER_REPORT
SAFEGUARDING, OVERSIGHT = Purpose.SAFEGUARDING_REFERRAL, Purpose.PARTNER_OVERSIGHT


@pytest.fixture
def university(org_a):
    return org_a


@pytest.fixture
def other_university(org_b):
    return org_b


@pytest.fixture
def franchise(drafting, university, partner):
    """The partner reports to its validating university (template parties: university first)."""
    return drafting.active([university, partner], template="franchise")


@pytest.fixture
def second_franchise(drafting, other_university, partner):
    return drafting.active([other_university, partner], template="franchise")


def _share(partner, recipient, *, kind=REFERRAL, purpose=SAFEGUARDING, level=SUMMARY, ref="case:1", **data):
    record = {"pseudonym": records.pseudonym(source_id=partner.pk, ref=ref, recipient_id=recipient.pk), **data}
    return records.record_share(
        actor=None,
        source=partner,
        kind=kind,
        purpose=purpose,
        ref=ref,
        recipient=recipient,
        level=level,
        record=record or {"stage": "prevent_lead_involved"},
    )


def _stored():
    return {
        model.__name__: model.objects.count()
        for model in (SharedCheck, Envelope, EnvelopeKey, ChannelKey, ChannelGrant, CheckOpened, AuditEvent)
    }


def test_a_summary_referral_shared_with_the_validating_university_opens_there_with_its_data(
    franchise, university, partner, member
):
    reader = member(university, "prevent_lead")
    shared = _share(partner, university, stage="external_advice_sought", outcome="internal_support")

    (view,) = records.records_received(organisation=university, user=reader, kind=REFERRAL, purpose=SAFEGUARDING)

    assert view.id == shared.pk and view.kind == REFERRAL and view.level == Level.SUMMARY
    assert view.data["stage"] == "external_advice_sought" and view.data["outcome"] == "internal_support"
    assert view.source_id == partner.pk and view.source_name == partner.name
    assert view.agreement_id == franchise.pk and view.agreement_title == franchise.title
    assert view.ref == "case:1" and view.version == 1
    assert CheckOpened.objects.filter(check_row=shared, reader_organisation=university, reader=reader).count() == 1
    (event,) = AuditEvent.objects.filter(action="exchange.record_open", organisation_id=university.pk)
    assert "external_advice_sought" not in str(event.detail) and event.detail["kind"] == REFERRAL


def test_every_level_the_agreement_allows_opens_and_a_level_above_it_is_refused_storing_nothing(
    franchise, university, partner
):
    report_aggregate = _share(partner, university, kind=REPORT, purpose=OVERSIGHT, level=AGGREGATE, ref="report:1")
    report_summary = _share(partner, university, kind=REPORT, purpose=OVERSIGHT, level=SUMMARY, ref="report:2")
    referral_full = _share(partner, university, level=FULL, ref="case:9", name="Tomasz Adeyemi-Clarke")
    before = _stored()

    with pytest.raises(SharingDenied) as denied:
        _share(partner, university, kind=REPORT, purpose=OVERSIGHT, level=FULL, ref="report:3")

    assert denied.value.reason == DenyReason.LEVEL_TOO_HIGH
    assert _stored() == before
    opened = records.records_received(organisation=university, user=None, kind=REPORT, purpose=OVERSIGHT)
    assert {(v.id, v.level) for v in opened} == {
        (report_aggregate.pk, Level.AGGREGATE),
        (report_summary.pk, Level.SUMMARY),
    }
    full = records.record_open(organisation=university, user=None, record_id=referral_full.pk, purpose=SAFEGUARDING)
    assert full.level == Level.FULL and full.data["name"] == "Tomasz Adeyemi-Clarke"
    summary_only = records.records_received(
        organisation=university, user=None, kind=REFERRAL, purpose=SAFEGUARDING, max_level=SUMMARY
    )
    assert summary_only == []  # the identified transfer is not even opened
    assert CheckOpened.objects.filter(check_row=referral_full).count() == 1  # the record_open above only


def test_sharing_without_an_agreement_the_wrong_way_or_for_another_purpose_is_refused_and_stores_nothing(
    franchise, university, other_university, partner
):
    before = _stored()

    with pytest.raises(SharingDenied) as no_agreement:
        _share(partner, other_university)
    with pytest.raises(SharingDenied) as wrong_way:
        _share(university, partner)
    with pytest.raises(SharingDenied) as purpose:
        _share(partner, university, purpose=Purpose.NETWORK_REPORTING)

    assert no_agreement.value.reason == DenyReason.NO_AGREEMENT
    assert wrong_way.value.reason == DenyReason.NO_AGREEMENT
    assert purpose.value.reason == DenyReason.PURPOSE_NOT_COVERED
    assert _stored() == before


def test_a_record_for_one_recipient_never_opens_for_another_even_with_the_database_and_its_private_key(
    franchise, second_franchise, university, other_university, partner
):
    for_a = _share(partner, university, ref="case:1", stage="prevent_lead_involved")
    for_b = _share(partner, other_university, ref="case:1", stage="prevent_lead_involved")

    assert levels_opened(university, for_a) == {SUMMARY}
    assert levels_opened(other_university, for_a) == set()  # every grant row tried, with every key it has
    assert levels_opened_with(held_secrets(other_university), for_a) == set()
    assert levels_opened(other_university, for_b) == {SUMMARY}
    assert levels_opened(university, for_b) == set()
    a_sees = records.records_received(organisation=university, user=None, kind=REFERRAL, purpose=SAFEGUARDING)
    b_sees = records.records_received(organisation=other_university, user=None, kind=REFERRAL, purpose=SAFEGUARDING)
    assert [v.id for v in a_sees] == [for_a.pk] and [v.id for v in b_sees] == [for_b.pk]
    assert a_sees[0].data["pseudonym"] != b_sees[0].data["pseudonym"]
    with pytest.raises(SharingDenied):
        records.record_open(organisation=other_university, user=None, record_id=for_a.pk, purpose=SAFEGUARDING)


def test_sharing_the_same_case_again_makes_a_new_version_and_closes_the_old_one_to_the_recipient(
    franchise, university, partner
):
    first = _share(partner, university, stage="prevent_lead_involved")
    second = _share(partner, university, stage="formal_referral_made")

    first.refresh_from_db()
    assert (first.version, first.is_current, second.version) == (1, False, 2)
    assert levels_opened(university, first) == set()
    (view,) = records.records_received(organisation=university, user=None, kind=REFERRAL, purpose=SAFEGUARDING)
    assert view.id == second.pk and view.data["stage"] == "formal_referral_made"
    assert AuditEvent.objects.filter(action="exchange.record_correct", organisation_id=partner.pk).count() == 1
    history = records.records_shared(source=partner, kind=REFERRAL)
    assert [(c.version, c.recipient_id) for c in history] == [(2, university.pk), (1, university.pk)]
    own = records.record_open(organisation=partner, user=None, record_id=second.pk, purpose=SAFEGUARDING)
    assert own.agreement_id is None and own.data["stage"] == "formal_referral_made"  # the source's archive


def test_reading_for_another_purpose_or_of_another_kind_shows_nothing(franchise, university, partner):
    shared = _share(partner, university)

    assert records.records_received(organisation=university, user=None, kind=REFERRAL, purpose=OVERSIGHT) == []
    assert records.records_received(organisation=university, user=None, kind=REPORT, purpose=SAFEGUARDING) == []
    with pytest.raises(SharingDenied):
        records.record_open(organisation=university, user=None, record_id=shared.pk, purpose=OVERSIGHT)
    assert not CheckOpened.objects.filter(check_row=shared).exists()


def test_a_referral_record_never_appears_in_a_speaker_search_the_speaker_register_or_its_counts(
    drafting, franchise, university, partner
):
    _share(partner, university, name="Amira El-Masri")
    (check,) = services.check_share(actor=None, source=partner, projection=FakeProjection(1, ("Amira El-Masri",)))

    found = selectors.speaker_check_search(organisation=university, user=None, name="Amira El-Masri")
    register = selectors.shared_checks_of(partner)

    assert [v.check_id for v in found] == [check.pk]
    assert list(register) == [check]
    assert selectors.shared_checks_active_count(partner) == 1
    referral = SharedCheck.objects.get(kind=REFERRAL)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.check_open(organisation=university, user=None, check_id=referral.pk)


def test_withdrawing_a_record_ends_every_recipients_access_at_once(
    franchise, second_franchise, university, other_university, partner
):
    for_a = _share(partner, university, ref="case:4")
    for_b = _share(partner, other_university, ref="case:4")
    kept = _share(partner, university, ref="case:5")

    with pytest.raises(ValidationError):
        records.record_withdraw(actor=None, source=partner, ref="case:4", reason=" ")
    assert records.record_withdraw(actor=None, source=partner, ref="case:4", reason="Shared in error") == 2

    assert levels_opened(university, for_a) == levels_opened(other_university, for_b) == set()
    (left,) = records.records_received(organisation=university, user=None, kind=REFERRAL, purpose=SAFEGUARDING)
    assert left.id == kept.pk
    assert records.records_received(organisation=other_university, user=None, kind=REFERRAL, purpose=SAFEGUARDING) == []


def test_destroying_a_case_shreds_every_version_and_keeps_only_that_it_existed(franchise, university, partner):
    first = _share(partner, university, ref="case:7/summary")
    second = _share(partner, university, ref="case:7/summary")
    other = _share(partner, university, ref="case:70/summary")

    with pytest.raises(ValueError):
        records.records_destroy(source=partner, ref_prefix="")
    assert records.records_destroy(source=partner, ref_prefix="case:7/") == 2

    for check in (first, second):
        check.refresh_from_db()
        assert check.destroyed_at is not None and not check.is_current
        assert not Envelope.objects.filter(check_row=check).exists()
        assert not EnvelopeKey.objects.filter(envelope__check_row=check).exists()
    assert levels_opened(university, other) == {SUMMARY}
    with pytest.raises(SharingDenied):
        records.record_open(organisation=partner, user=None, record_id=second.pk, purpose=SAFEGUARDING)


def test_a_record_lapses_at_its_expiry_and_the_sweep_shreds_it(franchise, university, partner):
    soon = timezone.now() + dt.timedelta(seconds=1)
    shared = records.record_share(
        actor=None,
        source=partner,
        kind=REPORT,
        purpose=OVERSIGHT,
        ref="report:2026-autumn",
        recipient=university,
        level=SUMMARY,
        record={"concerns": 3},
        expires_at=soon,
    )

    report = exchange_sweep(now=soon + dt.timedelta(seconds=1))

    shared.refresh_from_db()
    assert report.checks_destroyed == 1 and shared.destroyed_at is not None
    assert not EnvelopeKey.objects.filter(envelope__check_row=shared).exists()


def test_a_full_referral_is_refused_when_the_version_in_force_records_no_art9_or_art10_condition(
    franchise, university, partner
):
    from agreements.flows import flows_sync

    AgreementVersion.objects.filter(agreement=franchise).update(
        special_category_condition="", criminal_offence_condition=""
    )
    flows_sync(franchise)
    before = _stored()

    with pytest.raises(SharingDenied) as denied:
        _share(partner, university, level=FULL, name="Chidi Okonkwo")

    assert denied.value.reason == DenyReason.NO_ART9_CONDITION
    assert _stored() == before
    assert _share(partner, university, level=SUMMARY).pk  # a summary needs no Art. 9/10 condition
    assert not AgreementFlow.objects.filter(agreement=franchise, special_condition=True).exists()


PSEUDONYM = re.compile(r"^CASE-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    triples=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=50),
            st.sampled_from(["case:1", "case:2", "case:12/summary", "report:2026-autumn"]),
            st.integers(min_value=1, max_value=50),
        ),
        min_size=2,
        max_size=12,
    )
)
def test_pseudonyms_are_equal_exactly_when_source_case_and_recipient_are(db, triples):
    # the model: one pseudonym per (source, ref, recipient), nothing shared between recipients
    names = {t: records.pseudonym(source_id=t[0], ref=t[1], recipient_id=t[2]) for t in triples}

    for (a, name_a), (b, name_b) in zip(names.items(), list(names.items())[1:], strict=False):
        assert (name_a == name_b) == (a == b)
    assert all(PSEUDONYM.match(n) for n in names.values())
    again = {t: records.pseudonym(source_id=t[0], ref=t[1], recipient_id=t[2]) for t in triples}
    assert again == names


def test_pseudonyms_come_from_a_secret_key_not_from_the_ids(db):
    from core.models import WrappedSecret

    before = records.pseudonym(source_id=1, ref="case:1", recipient_id=2)
    WrappedSecret.objects.filter(name=records.PSEUDONYM_SECRET).delete()  # a different platform secret

    after = records.pseudonym(source_id=1, ref="case:1", recipient_id=2)

    assert before != after


def test_a_tampered_record_fails_its_integrity_check_is_audited_and_shows_nothing(franchise, university, partner):
    shared = _share(partner, university, ref="case:1", stage="prevent_lead_involved")
    neighbour = _share(partner, university, ref="case:2", stage="external_advice_sought")
    SharedCheck.objects.filter(pk=shared.pk).update(source_ref="case:99")  # the envelope binds the ref

    with pytest.raises(records.RecordDamaged):
        records.record_open(organisation=university, user=None, record_id=shared.pk, purpose=SAFEGUARDING)
    listed = records.records_received(organisation=university, user=None, kind=REFERRAL, purpose=SAFEGUARDING)

    assert [v.id for v in listed] == [neighbour.pk]
    assert AuditEvent.objects.filter(action="exchange.open_failed", target_id=str(shared.pk)).count() == 2
    assert not CheckOpened.objects.filter(check_row=shared).exists()


def test_a_speaker_check_or_an_unknown_kind_or_a_share_with_oneself_is_refused_before_anything_is_stored(
    franchise, university, partner
):
    before = _stored()

    for kind in (RecordKind.SPEAKER_CHECK, "case_file"):
        with pytest.raises(ValueError):
            _share(partner, university, kind=kind)
    with pytest.raises(ValueError):
        _share(partner, partner)
    with pytest.raises(ValueError):
        _share(partner, university, ref="x" * 81)

    assert _stored() == before


def test_the_share_is_audited_with_ids_and_codes_only(franchise, university, partner, member):
    lead = member(partner, "prevent_lead")

    shared = records.record_share(
        actor=lead,
        source=partner,
        kind=REFERRAL,
        purpose=SAFEGUARDING,
        ref="case:3",
        recipient=university,
        level=FULL,
        record={"name": "Leilani Brennan-Achebe", "concern": "Shared extremist material in a group chat"},
    )

    (event,) = AuditEvent.objects.filter(action="exchange.record_share", organisation_id=partner.pk)
    assert event.detail == {
        "kind": "referral",
        "version": 1,
        "recipient": university.pk,
        "agreement": franchise.pk,
        "level": "full",
    }
    assert "Leilani" not in str(event.detail) and str(event.target_id) == str(shared.pk)
    assert b"Leilani" not in bytes(Envelope.objects.get(check_row=shared).sealed)
