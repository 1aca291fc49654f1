"""Ending access to referrals and partner reports is a key operation too (issue 10, through `sharing.records`).

For each way an agreement stops allowing a flow (terminate, suspend, expire, level lowered, the
recipient leaves), right after the change: the recipient holds no wrapped key for the sender's
record channels under that agreement, a record it received before no longer opens with its
private keys, and a channel key it could have copied before opens nothing sealed afterwards
(real cryptography; see tests/sharing/keyholders.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services as agreement_services
from agreements.models import Level, Purpose, RecordKind
from agreements.policy import DenyReason, SharingDenied
from core.dates import today
from core.models import AuditEvent
from sharing import records
from sharing.models import ChannelKey
from sharing.sweep import exchange_sweep
from tests.agreements.conftest import Drafting, terms_for
from tests.sharing.keyholders import Clock, grants_between, held_secrets, levels_opened, levels_opened_with

AGGREGATE, SUMMARY, FULL = int(Level.AGGREGATE), int(Level.SUMMARY), int(Level.FULL)
KINDS = [
    pytest.param(RecordKind.REFERRAL, Purpose.SAFEGUARDING_REFERRAL, SUMMARY, id="referral"),
    pytest.param(RecordKind.PARTNER_REPORT, Purpose.PARTNER_OVERSIGHT, SUMMARY, id="partner_report"),
]


@pytest.fixture
def university(org_a):
    return org_a


@pytest.fixture
def franchise(drafting, university, partner):
    return drafting.active([university, partner], template="franchise")


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def _share(partner, recipient, kind, purpose, level, ref="case:1", **data):
    return records.record_share(
        actor=None,
        source=partner,
        kind=kind,
        purpose=purpose,
        ref=ref,
        recipient=recipient,
        level=level,
        record=data or {"stage": "prevent_lead_involved", "outcome": "internal_support"},
    )


def _received(organisation, kind, purpose):
    return records.records_received(organisation=organisation, user=None, kind=kind, purpose=purpose)


def _new_version(drafting: Drafting, agreement, parties, **overrides):
    """Put a new franchise version in force, signed by every party of the old or the new version."""
    agreement.refresh_from_db()
    drafter = agreement.drafted_by_organisation
    before = [p.organisation for p in agreement.current_version.parties.select_related("organisation")]
    agreement_services.agreement_edit(
        actor=drafting.lead(drafter),
        organisation=drafter,
        agreement=agreement,
        parties=[o.slug for o in parties],
        terms=terms_for("franchise", parties, **overrides),
        change_note="Change of parties or terms",
    )
    agreement.refresh_from_db()
    drafting.propose(agreement)
    number = agreement.versions.order_by("-number").values_list("number", flat=True).first()
    for organisation in {o.pk: o for o in [*before, *parties]}.values():
        try:
            drafting.sign(agreement, organisation, version=number)
        except (PermissionDenied, ValidationError):
            pass  # not asked to sign this version
    agreement.refresh_from_db()
    return agreement


@pytest.mark.parametrize(("kind", "purpose", "level"), KINDS)
def test_terminating_ends_the_recipients_record_keys_in_the_same_transaction(
    drafting, franchise, university, partner, kind, purpose, level
):
    before = _share(partner, university, kind, purpose, level)
    copied = held_secrets(university)
    assert levels_opened(university, before) == {level}

    agreement_services.agreement_terminate(
        actor=drafting.signatory(partner), organisation=partner, agreement=franchise, reason="Closed", notice_days=0
    )

    assert grants_between(partner, university, franchise) == 0
    assert levels_opened(university, before) == set()
    assert _received(university, kind, purpose) == []
    with pytest.raises(SharingDenied):
        _share(partner, university, kind, purpose, level, ref="case:2")
    (ended,) = AuditEvent.objects.filter(action="exchange.keys_ended", organisation_id=partner.pk)
    assert ended.detail["recipients"] == [university.pk]
    # a later agreement seals under a new channel the old keys never open
    again = drafting.active([university, partner], template="franchise")
    after = _share(partner, university, kind, purpose, level, ref="case:3")
    assert levels_opened_with(copied, after) == set()
    assert levels_opened(university, after) == {level}
    assert ChannelKey.objects.get(envelope_keys__envelope__check_row=after, agreement__isnull=False).agreement == again


@pytest.mark.parametrize(("kind", "purpose", "level"), KINDS)
def test_suspending_drops_the_record_keys_and_resuming_grants_them_again_for_new_records_only_under_a_new_key(
    drafting, franchise, university, partner, kind, purpose, level
):
    before = _share(partner, university, kind, purpose, level)
    copied = held_secrets(university)
    suspender = drafting.signatory(university)

    agreement_services.agreement_suspend(actor=suspender, organisation=university, agreement=franchise, reason="Breach")
    during = (grants_between(partner, university), levels_opened(university, before))
    with pytest.raises(SharingDenied) as denied:
        _share(partner, university, kind, purpose, level, ref="case:2")
    agreement_services.agreement_resume(actor=suspender, organisation=university, agreement=franchise)
    after = _share(partner, university, kind, purpose, level, ref="case:3")

    assert during == (0, set()) and denied.value.reason == DenyReason.SUSPENDED
    assert levels_opened(university, before) == levels_opened(university, after) == {level}
    assert levels_opened_with(copied, after) == set()  # the channel rotated when the suspension began
    assert {v.ref for v in _received(university, kind, purpose)} == {"case:1", "case:3"}


@pytest.mark.parametrize(("kind", "purpose", "level"), KINDS)
def test_expiry_ends_reading_at_once_and_the_keys_at_the_next_sweep(
    drafting, university, partner, clock, kind, purpose, level
):
    drafting.active(
        [university, partner],
        template="franchise",
        review_date=today() + timedelta(days=2),
        expiry_date=today() + timedelta(days=3),
    )
    before = _share(partner, university, kind, purpose, level)

    clock.advance(days=5)
    reading = _received(university, kind, purpose)
    report = exchange_sweep()

    assert reading == []
    assert report.grants_ended >= 1
    assert grants_between(partner, university) == 0
    assert levels_opened(university, before) == set()


def test_lowering_the_referral_level_ends_the_full_keys_and_later_full_records_are_refused(
    drafting, franchise, university, partner
):
    full = _share(partner, university, RecordKind.REFERRAL, Purpose.SAFEGUARDING_REFERRAL, FULL, name="Ana Sequeira")
    summary = _share(partner, university, RecordKind.REFERRAL, Purpose.SAFEGUARDING_REFERRAL, SUMMARY, ref="case:2")
    copied = held_secrets(university)
    lowered = [
        {"kind": "referral", "senders": [partner.slug], "recipients": [university.slug], "max_level": "summary"},
        {"kind": "partner_report", "senders": [partner.slug], "recipients": [university.slug], "max_level": "summary"},
    ]

    _new_version(drafting, franchise, [university, partner], flows=lowered)

    assert levels_opened(university, full) == set()
    assert levels_opened(university, summary) == {SUMMARY}
    full_channels = ChannelKey.objects.filter(agreement=franchise, sender=partner, level=FULL, kind="referral")
    assert not full_channels.filter(grants__recipient=university).exists()
    with pytest.raises(SharingDenied) as denied:
        _share(partner, university, RecordKind.REFERRAL, Purpose.SAFEGUARDING_REFERRAL, FULL, ref="case:3")
    assert denied.value.reason == DenyReason.LEVEL_TOO_HIGH
    after = _share(partner, university, RecordKind.REFERRAL, Purpose.SAFEGUARDING_REFERRAL, SUMMARY, ref="case:4")
    assert levels_opened_with(copied, after) == {SUMMARY}  # the summary channel's readers did not change
    received = _received(university, RecordKind.REFERRAL, Purpose.SAFEGUARDING_REFERRAL)
    assert {v.ref for v in received} == {"case:2", "case:4"}


@pytest.mark.parametrize(("kind", "purpose", "level"), KINDS)
def test_a_recipient_that_leaves_loses_its_keys_and_the_university_that_joins_gets_only_what_is_sealed_for_it(
    drafting, university, org_b, partner, kind, purpose, level
):
    to_university = [{"kind": kind, "senders": [partner.slug], "recipients": [university.slug], "max_level": "summary"}]
    # drafted by the partner, which stays; the university leaves in the next version
    agreement = drafting.active([partner, university, org_b], template="franchise", flows=to_university)
    before = _share(partner, university, kind, purpose, level)
    copied = held_secrets(university)
    to_b = [{"kind": kind, "senders": [partner.slug], "recipients": [org_b.slug], "max_level": "summary"}]

    _new_version(drafting, agreement, [partner, org_b], flows=to_b)
    for_b = _share(partner, org_b, kind, purpose, level, ref="case:1")

    assert grants_between(partner, university) == 0
    assert levels_opened(university, before) == set()
    assert levels_opened(university, for_b) == levels_opened_with(copied, for_b) == set()
    assert levels_opened(org_b, for_b) == {level}
    assert levels_opened(org_b, before) == set()  # sealed for the university alone
    with pytest.raises(SharingDenied):
        _share(partner, university, kind, purpose, level, ref="case:2")


def test_the_policy_asks_about_the_record_kind_not_speaker_checks(drafting, university, partner):
    # an agreement for speaker checks only lets nobody receive referrals or partner reports
    drafting.active([university, partner])

    for kind, purpose in (
        (RecordKind.REFERRAL, Purpose.SAFEGUARDING_REFERRAL),
        (RecordKind.PARTNER_REPORT, Purpose.PARTNER_OVERSIGHT),
    ):
        with pytest.raises(SharingDenied):
            _share(partner, university, kind, purpose, AGGREGATE)
