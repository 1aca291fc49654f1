"""Sharing speaker checks under agreements: who finds what, and how access ends."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from agreements import services as agreement_services
from core.dates import day_ends
from core.models import AuditEvent
from sharing import selectors, services
from sharing.models import CheckOpened, Envelope, EnvelopeKey, NameToken, SharedCheck
from sharing.sweep import exchange_sweep
from tests.sharing.conftest import FakeProjection, speaker_flow


def _exchange_state():
    return tuple(m.objects.count() for m in (SharedCheck, Envelope, EnvelopeKey, NameToken))


def _search(org, name, **kwargs):
    return selectors.speaker_check_search(organisation=org, user=None, name=name, **kwargs)


@pytest.fixture
def network_ab(drafting, org_a, org_b):
    return drafting.active([org_a, org_b])


def test_a_check_shared_by_a_is_found_by_b_under_the_agreement_and_not_by_c(org_a, org_b, partner, network_ab):
    # given
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Dr Amira El-Masri",)))

    # when
    found = _search(org_b, "amira el masri")
    outsider = _search(partner, "Amira El-Masri")

    # then
    assert [(v.source_name, v.content["outcome"], v.agreement_id) for v in found] == [
        ("Alderley University", "approved_with_mitigations", network_ab.pk)
    ]
    assert found[0].agreement_title == network_ab.title
    assert found[0].content["mitigations"] == ["Independent chair"]
    assert "rationale" not in found[0].content  # summary level only
    assert outsider == []


def test_the_source_finds_its_own_check_at_full_detail(org_a, network_ab):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))

    (own,) = _search(org_a, "Amira El-Masri")

    assert own.is_own and own.content["rationale"].startswith("Lawful speech")


def test_sharing_with_no_allowing_agreement_stores_nothing_and_says_why(org_a, org_b):
    before, events = _exchange_state(), AuditEvent.objects.count()

    with pytest.raises(services.NothingToShare, match="No active information-sharing agreement"):
        services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))

    assert _exchange_state() == before
    assert AuditEvent.objects.count() == events


def test_a_draft_or_partly_signed_agreement_shares_nothing(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)

    with pytest.raises(services.NothingToShare):
        services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))


def test_names_are_stored_only_as_blind_indexes_and_ciphertext(org_a, network_ab):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Theodora Vasquez-Lindgren",)))

    stored = b"".join(bytes(e.sealed) for e in Envelope.objects.all())
    digests = " ".join(NameToken.objects.values_list("digest", flat=True))
    assert b"Theodora" not in stored and b"theodora" not in stored
    assert "theodora" not in digests.lower()
    assert NameToken.objects.count() >= 2


def test_withdrawal_ends_recipients_access_at_once(org_a, org_b, network_ab, member):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    lead = member(org_a, "prevent_lead")

    services.check_withdraw(actor=lead, check=check, reason="Decision was made in error")

    assert _search(org_b, "Amira El-Masri") == []
    with pytest.raises(Http404):
        selectors.check_open(organisation=org_b, user=None, check_id=check.pk)
    assert not EnvelopeKey.objects.filter(envelope__check_row=check, channel__agreement__isnull=False).exists()


def test_withdrawal_needs_a_reason_and_the_role(org_a, org_b, network_ab, member):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))

    with pytest.raises(ValidationError):
        services.check_withdraw(actor=member(org_a, "prevent_lead"), check=check, reason=" ")
    with pytest.raises(Exception, match="role"):
        services.check_withdraw(actor=member(org_a, "auditor"), check=check, reason="no")
    with pytest.raises(Exception, match="role"):
        services.check_withdraw(actor=member(org_b, "prevent_lead"), check=check, reason="not mine")

    assert len(_search(org_b, "Amira El-Masri")) == 1


def test_a_correction_replaces_what_recipients_see_and_keeps_the_old_version_in_history(org_a, org_b, network_ab):
    (first,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(7, ("Amira El-Masri",)))

    (second,) = services.check_share(
        actor=None, source=org_a, projection=FakeProjection(7, ("Amira El-Masri",), outcome="approved", mitigations=())
    )

    (seen,) = _search(org_b, "Amira El-Masri")
    assert (seen.check_id, seen.version, seen.content["outcome"]) == (second.pk, 2, "approved")
    with pytest.raises(Http404):
        selectors.check_open(organisation=org_b, user=None, check_id=first.pk)
    assert [c.version for c in selectors.shared_checks_of(org_a)] == [2, 1]


def test_suspension_ends_access_at_once_and_resumption_restores_it(org_a, org_b, network_ab, drafting):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    lead = drafting.signatory(org_b)

    agreement_services.agreement_suspend(actor=lead, organisation=org_b, agreement=network_ab, reason="Review")
    during = _search(org_b, "Amira El-Masri")
    agreement_services.agreement_resume(actor=lead, organisation=org_b, agreement=network_ab)

    assert during == []
    assert len(_search(org_b, "Amira El-Masri")) == 1


def test_termination_ends_access_and_the_recipients_keys_at_once_and_the_sweep_finds_nothing_left(
    org_a, org_b, network_ab, drafting
):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))

    agreement_services.agreement_terminate(
        actor=drafting.signatory(org_a),
        organisation=org_a,
        agreement=network_ab,
        reason="Network closed",
        notice_days=0,
    )
    assert _search(org_b, "Amira El-Masri") == []
    assert not EnvelopeKey.objects.filter(
        envelope__check_row=check, channel__agreement=network_ab, channel__grants__recipient=org_b
    ).exists()
    report = exchange_sweep()

    assert report.grants_ended == 0


def test_retention_expiry_hides_the_check_and_the_sweep_destroys_its_data_keys(org_a, org_b, network_ab):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    later = check.expires_at + timedelta(seconds=1)

    hidden = _search(org_b, "Amira El-Masri", at=later)
    first = exchange_sweep(now=later)
    second = exchange_sweep(now=later)

    check.refresh_from_db()
    assert hidden == []
    assert check.destroyed_at is not None
    assert not EnvelopeKey.objects.filter(envelope__check_row=check).exists()
    assert not Envelope.objects.filter(check_row=check).exists()
    assert (first.checks_destroyed, second.checks_destroyed) == (1, 0)


def test_a_recipients_retention_period_ends_its_access_before_the_check_lapses(drafting, org_a, org_b):
    drafting.active([org_a, org_b], retention_days=30)
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    in_31_days = timezone.now() + timedelta(days=31)

    assert _search(org_b, "Amira El-Masri", at=in_31_days) == []
    assert len(_search(org_a, "Amira El-Masri", at=in_31_days)) == 1  # the source's own copy lasts longer


def test_a_check_shared_before_an_agreement_is_active_reaches_its_new_recipients_when_it_becomes_active(
    drafting, org_a, org_b, partner, network_ab
):
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    drafting.active([org_a, partner])

    at_once = _search(partner, "Amira El-Masri")
    exchange_sweep()

    assert len(at_once) == 1
    assert len(_search(partner, "Amira El-Masri")) == 1


def test_the_source_sees_who_opened_its_check_and_under_which_agreement(org_a, org_b, network_ab, member):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    reader = member(org_b, "prevent_lead")

    selectors.speaker_check_search(organisation=org_b, user=reader, name="Amira El-Masri")

    (opening,) = selectors.check_openings(organisation=org_a, check_id=check.pk)
    assert (opening.reader_organisation, opening.reader, opening.agreement) == (org_b, reader, network_ab)
    assert AuditEvent.objects.filter(action="exchange.open", organisation_id=org_b.pk, target_id=str(check.pk)).exists()
    assert list(selectors.check_openings(organisation=org_b, check_id=check.pk)) == []  # only the source sees them


@pytest.mark.parametrize("name", ["", " ", "A", "Dr", "x."])
def test_an_empty_or_one_letter_search_is_refused_with_a_message(org_b, name):
    with pytest.raises(ValidationError) as caught:
        _search(org_b, name)

    assert "name" in caught.value.message_dict
    assert CheckOpened.objects.count() == 0


def test_full_detail_is_shared_to_the_asker_alone_when_the_source_approves(drafting, org_a, org_b, network):
    # given: A may send full detail to B, and summary to the network
    drafting.active([org_a, org_b], flows=[speaker_flow([org_a], [org_b], "full")])
    drafting.active([org_a, network])
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    asker, source_lead = drafting.lead(org_b), drafting.lead(org_a)

    # when
    request = services.detail_request_create(actor=asker, organisation=org_b, check=check, reason="Event on 3 May")
    services.detail_request_decide(actor=source_lead, request=request, approve=True)

    # then: B reads the rationale; the network still reads the summary
    (seen_by_b,) = _search(org_b, "Amira El-Masri")
    (seen_by_network,) = _search(network, "Amira El-Masri")
    assert seen_by_b.content["rationale"].startswith("Lawful speech")
    assert "rationale" not in seen_by_network.content


def test_approving_full_detail_without_a_full_level_agreement_is_refused_and_changes_nothing(
    drafting, org_a, org_b, network_ab
):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    request = services.detail_request_create(actor=drafting.lead(org_b), organisation=org_b, check=check, reason="Why")
    keys = EnvelopeKey.objects.count()

    with pytest.raises(ValidationError, match="full detail"):
        services.detail_request_decide(actor=drafting.lead(org_a), request=request, approve=True)

    request.refresh_from_db()
    assert request.status == "pending" and EnvelopeKey.objects.count() == keys


def test_an_organisation_without_an_agreement_cannot_ask_for_detail(org_a, partner, network_ab, member):
    from agreements.policy import SharingDenied

    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))

    with pytest.raises(SharingDenied):
        services.detail_request_create(
            actor=member(partner, "prevent_lead"), organisation=partner, check=check, reason="x"
        )


def test_decided_today_expires_within_a_year(org_a, network_ab):
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))

    # Readable to the end of its expiry date, London time: the bound is 00:00 the next day (core.dates).
    assert check.expires_at == day_ends(date.today() + timedelta(days=365))  # noqa: DTZ011
