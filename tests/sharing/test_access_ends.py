"""Ending access is a key operation, for every way access ends (issue 8, section 1).

For each way, right after the change (the sweep runs only for ends that come with time):
the removed organisation holds no wrapped key to the sender's channels, a check shared
afterwards opens neither with its private keys nor with any channel key it held before
(real cryptography, no mocks), and the organisations that remain still open it.

The world's organisations stand in for the issue's: Alderley University is "Northmoor",
Brackenford University is "Eastbrook", Alderley Partner College is "the college".
"""

from __future__ import annotations

import pytest

from agreements import services as agreement_services
from agreements.models import Level
from agreements.policy import KEYS_WITHHELD, PERMANENT_DENIALS, DenyReason, is_permanent, withholds_keys
from core.models import AuditEvent
from sharing import selectors, services
from sharing.models import ChannelKey, EnvelopeKey, ExchangeSettings
from sharing.sweep import exchange_sweep
from tests.sharing.conftest import FakeProjection, speaker_flow
from tests.sharing.keyholders import (
    Clock,
    grants_between,
    held_secrets,
    levels_opened,
    levels_opened_with,
    new_version,
)

SUMMARY, FULL = int(Level.SUMMARY), int(Level.FULL)


def _share(source, request_id, name="Amira El-Masri", **projection):
    (check,) = services.check_share(
        actor=None, source=source, projection=FakeProjection(request_id, (name,), **projection)
    )
    return check


@pytest.fixture
def northmoor(org_a):
    return org_a


@pytest.fixture
def eastbrook(org_b):
    return org_b


@pytest.fixture
def college(partner):
    return partner


@pytest.fixture
def three_party(drafting, northmoor, eastbrook, college):
    return drafting.active([northmoor, eastbrook, college])


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_a_party_dropped_by_a_new_version_loses_its_keys_and_cannot_open_later_checks(
    drafting, three_party, northmoor, eastbrook, college
):
    # the failing case: v2, signed by all, drops Eastbrook
    before = _share(northmoor, 1)
    assert levels_opened(eastbrook, before) == {SUMMARY}
    copied = held_secrets(eastbrook)

    new_version(drafting, three_party, [northmoor, college])
    after = _share(northmoor, 2, "Jonas Okafor-Reid")

    assert grants_between(northmoor, eastbrook) == 0
    assert levels_opened(eastbrook, after) == set()
    assert levels_opened_with(copied, after) == set()
    assert levels_opened(eastbrook, before) == set()
    assert levels_opened(college, after) == levels_opened(college, before) == {SUMMARY}
    (ended,) = AuditEvent.objects.filter(action="exchange.keys_ended", organisation_id=northmoor.pk)
    assert ended.detail["recipients"] == [eastbrook.pk] and ended.detail["channels_rotated"] == 1
    assert exchange_sweep().grants_ended == 0  # nothing was left for the safety net


def test_the_organisations_reading_a_departing_partys_checks_lose_those_keys_too(
    drafting, three_party, northmoor, eastbrook, college
):
    theirs = _share(eastbrook, 1, "Siân Nakamura")

    new_version(drafting, three_party, [northmoor, college])

    assert grants_between(eastbrook, northmoor) == grants_between(eastbrook, college) == 0
    assert levels_opened(northmoor, theirs) == levels_opened(college, theirs) == set()
    assert levels_opened(eastbrook, theirs) == {SUMMARY, FULL}  # its own archive


def test_leaving_rotates_the_channel_and_keeps_older_checks_under_the_retired_generation(
    drafting, three_party, northmoor, eastbrook, college
):
    _share(northmoor, 1)

    new_version(drafting, three_party, [northmoor, college])
    _share(northmoor, 2, "Jonas Okafor-Reid")

    generations = ChannelKey.objects.filter(agreement=three_party, sender=northmoor, level=SUMMARY)
    assert sorted((c.generation, c.retired_at is None) for c in generations) == [(1, False), (2, True)]
    assert EnvelopeKey.objects.filter(channel__in=generations).count() == 2


def test_terminating_at_once_ends_every_recipients_keys_in_the_same_transaction(
    drafting, three_party, northmoor, eastbrook, college
):
    before = _share(northmoor, 1)
    copied = held_secrets(eastbrook)
    other = drafting.active([northmoor, college])  # a second agreement that goes on

    agreement_services.agreement_terminate(
        actor=drafting.signatory(eastbrook),
        organisation=eastbrook,
        agreement=three_party,
        reason="Closed",
        notice_days=0,
    )
    after = _share(northmoor, 2, "Jonas Okafor-Reid")

    assert grants_between(northmoor, eastbrook) == 0
    assert grants_between(northmoor, college, three_party) == 0
    assert levels_opened(eastbrook, before) == levels_opened(eastbrook, after) == set()
    assert levels_opened_with(copied, after) == set()
    assert levels_opened(college, after) == levels_opened(college, before) == {SUMMARY}  # under `other`
    assert grants_between(northmoor, college, other) >= 1


def test_notice_running_out_ends_the_keys_at_the_next_sweep(
    drafting, three_party, northmoor, eastbrook, college, clock
):
    before = _share(northmoor, 1)
    drafting.active([northmoor, college])
    copied = held_secrets(eastbrook)
    agreement_services.agreement_terminate(
        actor=drafting.signatory(eastbrook),
        organisation=eastbrook,
        agreement=three_party,
        reason="Closed",
        notice_days=5,
    )
    during_notice = levels_opened(eastbrook, before)

    clock.advance(days=6)
    report = exchange_sweep()
    after = _share(northmoor, 2, "Jonas Okafor-Reid")

    assert during_notice == {SUMMARY}
    assert report.grants_ended == 2 and report.channels_rotated == 1  # Eastbrook's and the college's
    assert grants_between(northmoor, eastbrook) == 0
    assert levels_opened(eastbrook, after) == levels_opened_with(copied, after) == set()
    assert levels_opened(college, after) == {SUMMARY}


def test_expiry_ends_the_keys_at_the_next_sweep(drafting, northmoor, eastbrook, college, clock):
    from datetime import date, timedelta

    today = date.today()  # noqa: DTZ011
    expiring = drafting.active(
        [northmoor, eastbrook], review_date=today + timedelta(days=2), expiry_date=today + timedelta(days=3)
    )
    before = _share(northmoor, 1)
    drafting.active([northmoor, college])
    copied = held_secrets(eastbrook)

    clock.advance(days=4)
    report = exchange_sweep()
    after = _share(northmoor, 2, "Jonas Okafor-Reid")

    assert report.grants_ended >= 1 and report.channels_rotated >= 1
    assert grants_between(northmoor, eastbrook, expiring) == 0
    assert levels_opened(eastbrook, before) == levels_opened(eastbrook, after) == set()
    assert levels_opened_with(copied, after) == set()
    assert levels_opened(college, after) == {SUMMARY}


def test_a_lowered_level_ends_the_higher_keys_and_rotates_that_channel(drafting, northmoor, eastbrook, college):
    both_full = [speaker_flow([northmoor], [eastbrook, college], "full")]
    agreement = drafting.active([northmoor, eastbrook, college], flows=both_full)
    ExchangeSettings.objects.update_or_create(organisation=northmoor, defaults={"automatic_level": FULL})
    before = _share(northmoor, 1)
    copied = held_secrets(eastbrook)
    assert levels_opened(eastbrook, before) == {FULL}

    lowered = [speaker_flow([northmoor], [eastbrook], "summary"), speaker_flow([northmoor], [college], "full")]
    new_version(drafting, agreement, [northmoor, eastbrook, college], flows=lowered)
    after = _share(northmoor, 2, "Jonas Okafor-Reid")

    full_channels = ChannelKey.objects.filter(agreement=agreement, sender=northmoor, level=FULL)
    assert not full_channels.filter(grants__recipient=eastbrook).exists()
    assert full_channels.filter(retired_at__isnull=False).count() == 1
    assert levels_opened(eastbrook, after) == {SUMMARY}
    assert FULL not in levels_opened_with(copied, after)
    assert levels_opened(eastbrook, before) == {SUMMARY}  # re-wrapped at the level still allowed
    assert max(levels_opened(college, after)) == max(levels_opened(college, before)) == FULL


def test_suspension_drops_every_recipients_keys_and_resuming_grants_them_again(
    drafting, three_party, northmoor, eastbrook, college
):
    before = _share(northmoor, 1)
    suspender = drafting.signatory(college)

    agreement_services.agreement_suspend(actor=suspender, organisation=college, agreement=three_party, reason="Breach")
    suspended = {
        "grants": grants_between(northmoor, eastbrook) + grants_between(northmoor, college),
        "eastbrook": levels_opened(eastbrook, before),
        "college": levels_opened(college, before),
    }
    with pytest.raises(services.NothingToShare):
        _share(northmoor, 2, "Jonas Okafor-Reid")
    agreement_services.agreement_resume(actor=suspender, organisation=college, agreement=three_party)
    after = _share(northmoor, 3, "Jonas Okafor-Reid")

    assert suspended == {"grants": 0, "eastbrook": set(), "college": set()}
    assert levels_opened(eastbrook, before) == levels_opened(eastbrook, after) == {SUMMARY}
    assert levels_opened(college, after) == {SUMMARY}
    (found,) = selectors.speaker_check_search(organisation=eastbrook, user=None, name="Amira El-Masri")
    assert not found.error and found.content["speaker_name"] == "Amira El-Masri"


def test_a_withdrawn_check_opens_for_nobody_but_its_source_and_later_checks_are_unaffected(
    drafting, three_party, northmoor, eastbrook, college
):
    withdrawn = _share(northmoor, 1)

    services.check_withdraw(actor=drafting.lead(northmoor), check=withdrawn, reason="Shared in error")
    later = _share(northmoor, 2, "Jonas Okafor-Reid")

    assert levels_opened(eastbrook, withdrawn) == levels_opened(college, withdrawn) == set()
    assert levels_opened(northmoor, withdrawn) == {SUMMARY, FULL}
    assert levels_opened(eastbrook, later) == levels_opened(college, later) == {SUMMARY}


def test_a_lapsed_check_is_shredded_by_the_sweep_and_opens_for_nobody(
    drafting, three_party, northmoor, eastbrook, college, clock
):
    from datetime import date, timedelta

    lapsing = _share(northmoor, 1, expires_on=(date.today() + timedelta(days=2)).isoformat())  # noqa: DTZ011
    lasting = _share(northmoor, 2, "Jonas Okafor-Reid")

    clock.advance(days=3)
    report = exchange_sweep()

    assert report.checks_destroyed == 1
    assert report.channels_removed == 0  # the live generation still holds the lasting check
    assert not EnvelopeKey.objects.filter(envelope__check_row=lapsing).exists()
    for organisation in (northmoor, eastbrook, college):
        assert levels_opened(organisation, lapsing) == set()
    assert levels_opened(eastbrook, lasting) == {SUMMARY}


def test_the_policy_names_which_denials_are_permanent_and_which_withhold_keys():
    assert PERMANENT_DENIALS == {
        DenyReason.NO_AGREEMENT,
        DenyReason.SUPERSEDED,
        DenyReason.TERMINATED,
        DenyReason.EXPIRED,
        DenyReason.PURPOSE_NOT_COVERED,
        DenyReason.LEVEL_TOO_HIGH,
        DenyReason.NO_ART9_CONDITION,
        DenyReason.NOT_A_MEMBER,
    }
    assert KEYS_WITHHELD == PERMANENT_DENIALS | {DenyReason.SUSPENDED}
    for reason in DenyReason:
        assert is_permanent(reason) == (reason in PERMANENT_DENIALS)
        assert withholds_keys(reason) == (reason in KEYS_WITHHELD)
    # a signature still to come or a start date still ahead: keys kept, every open still refused
    assert not withholds_keys(DenyReason.NOT_SIGNED) and not withholds_keys(DenyReason.NOT_STARTED)


def test_a_reader_whose_agreement_ends_keeps_reading_at_once_through_another_that_still_allows_it(
    drafting, northmoor, eastbrook, college
):
    # found by the model test: the check went out under the agreement that ends first
    from datetime import date, timedelta

    soon = date.today() + timedelta(days=30)  # noqa: DTZ011
    ending = drafting.active([northmoor, eastbrook], review_date=soon - timedelta(days=1), expiry_date=soon)
    drafting.active([northmoor, eastbrook, college])
    check = _share(northmoor, 1)

    agreement_services.agreement_terminate(
        actor=drafting.signatory(northmoor), organisation=northmoor, agreement=ending, reason="Merged", notice_days=0
    )

    assert grants_between(northmoor, eastbrook, ending) == 0
    assert levels_opened(eastbrook, check) == levels_opened(college, check) == {SUMMARY}


def test_the_sweep_command_reports_the_grants_it_ended_and_the_channels_it_rotated(
    drafting, three_party, northmoor, eastbrook, clock
):
    from io import StringIO

    from django.core.management import call_command

    _share(northmoor, 1)
    agreement_services.agreement_terminate(
        actor=drafting.signatory(eastbrook),
        organisation=eastbrook,
        agreement=three_party,
        reason="Closed",
        notice_days=1,
    )
    clock.advance(days=2)
    out = StringIO()

    call_command("exchange_sweep", stdout=out)

    assert "2 ended grant(s) removed, 1 channel(s) rotated" in out.getvalue()
    assert grants_between(northmoor, eastbrook) == 0


def test_the_sweep_removes_a_retired_generation_once_no_check_under_it_can_be_read(
    drafting, three_party, northmoor, eastbrook, college, clock
):
    from datetime import date, timedelta

    _share(northmoor, 1, expires_on=(date.today() + timedelta(days=2)).isoformat())  # noqa: DTZ011
    new_version(drafting, three_party, [northmoor, college])
    retired = ChannelKey.objects.get(agreement=three_party, sender=northmoor, retired_at__isnull=False)

    clock.advance(days=3)
    report = exchange_sweep()

    assert report.channels_removed == 1
    assert not ChannelKey.objects.filter(pk=retired.pk).exists()
