"""A proposed change never stops sharing by surprise; nobody is locked out of ending an agreement that binds them.

Issue 8, section 3: the version in force stays in force until its successor is signed by every
party of both versions; only a signatory or organisation admin may propose; a version that drops
a party needs that party's signature; a party of the version in force can always suspend or
give notice.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import events, services
from agreements.models import AgreementFlow
from agreements.policy import SharingDenied, access_receive
from agreements.states import State
from core.models import AuditEvent
from tests.agreements.conftest import counts
from tests.agreements.test_agreement_lifecycle import _query, _state


def _terms(agreement, **changes):
    agreement.refresh_from_db()
    version = agreement.pending_version or agreement.current_version
    return {**version.__dict__, **changes}


def _without_others(flows, slugs):
    kept = []
    for flow in flows:
        senders = [s for s in flow["senders"] if s in slugs]
        recipients = [r for r in flow["recipients"] if r in slugs]
        if senders and recipients:
            kept.append({**flow, "senders": senders, "recipients": recipients})
    return kept


def _save_change(actor, organisation, agreement, parties, **changes):
    """Save a changed version; flows naming a party that is dropped lose that party."""
    terms = _terms(agreement, **changes)
    slugs = [o.slug for o in parties]
    terms["flows"] = _without_others(terms["flows"], set(slugs))
    return services.agreement_edit(
        actor=actor,
        organisation=organisation,
        agreement=agreement,
        parties=slugs,
        terms=terms,
        change_note="Proposed change",
    )


def _allowed_under(source, recipient):
    return access_receive(**_query(source, recipient)).agreement_version_id


def test_a_prevent_lead_alone_cannot_propose_a_version_that_drops_a_party_and_sharing_goes_on(
    drafting, member, org_a, org_b, partner
):
    # given: an active exchange between three parties, and a Prevent lead at A with no signatory or admin role
    agreement = drafting.active([org_a, org_b, partner])
    v1 = agreement.current_version
    lead = member(org_a, "prevent_lead")

    # when: the lead saves a draft that drops the partner, then tries to send it for signature
    draft = _save_change(lead, org_a, agreement, [org_a, org_b])
    before = counts()
    with pytest.raises(PermissionDenied, match="agreements:propose"):
        services.agreement_propose(actor=lead, organisation=org_a, agreement=agreement)

    # then: nothing changed; the agreement is still active under version 1 for everyone
    assert counts() == before
    agreement.refresh_from_db()
    assert _state(agreement) == State.ACTIVE and agreement.current_version_id == v1.pk
    assert agreement.pending_version_id == draft.pk and draft.proposed_at is None
    for source, recipient in ((org_a, org_b), (org_b, partner), (partner, org_a)):
        assert _allowed_under(source, recipient) == v1.pk
    # and the partner the draft drops can still suspend and lift its suspension, and give notice
    services.agreement_suspend(
        actor=drafting.signatory(partner), organisation=partner, agreement=agreement, reason="Checking the change"
    )
    assert _state(agreement) == State.SUSPENDED
    services.agreement_resume(actor=drafting.signatory(partner), organisation=partner, agreement=agreement)
    services.agreement_terminate(
        actor=drafting.signatory(partner), organisation=partner, agreement=agreement, reason="Leaving", notice_days=30
    )
    agreement.refresh_from_db()
    assert agreement.terminated_by_id == partner.pk


def test_saving_and_proposing_a_change_keeps_sharing_under_version_1_until_every_party_signs(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    v1 = agreement.current_version

    v2 = _save_change(drafting.lead(org_a), org_a, agreement, [org_a, org_b], retention_days=365)
    assert _allowed_under(org_a, org_b) == v1.pk and _state(agreement) == State.ACTIVE
    drafting.propose(agreement)
    assert _allowed_under(org_a, org_b) == v1.pk
    drafting.sign(agreement, org_a, version=v2.number)
    assert _allowed_under(org_a, org_b) == v1.pk
    assert access_receive(**_query(org_a, org_b)).retention_days == 730

    drafting.sign(agreement, org_b, version=v2.number)

    agreement.refresh_from_db()
    assert agreement.current_version_id == v2.pk and agreement.pending_version_id is None
    assert _allowed_under(org_a, org_b) == v2.pk
    assert access_receive(**_query(org_a, org_b)).retention_days == 365
    with pytest.raises(ValidationError, match="already been signed"):
        drafting.sign(agreement, org_b, version=v1.number)


def test_the_successor_takes_over_in_the_signing_transaction_and_the_exchange_hears_it_there(
    drafting, org_a, org_b, django_capture_on_commit_callbacks
):
    agreement = drafting.active([org_a, org_b])
    v2 = _save_change(drafting.lead(org_a), org_a, agreement, [org_a, org_b], retention_days=365)
    drafting.propose(agreement)
    drafting.sign(agreement, org_a, version=v2.number)
    heard = []

    def receiver(agreement_id):
        # what a receiver (the keys helper's) sees, inside the transaction, when it runs
        in_force = set(
            AgreementFlow.objects.filter(agreement_id=agreement_id, is_current=True).values_list(
                "version_id", flat=True
            )
        )
        heard.append(in_force)

    events.on_flows_changed(receiver)
    try:
        drafting.sign(agreement, org_b, version=v2.number)
    finally:
        events._receivers.remove(receiver)

    assert heard == [{v2.pk}]  # one rewrite, already showing version 2 in force
    audit = AuditEvent.objects.filter(action="agreement.fully_signed", target_id=str(agreement.pk)).last()
    assert audit.detail == {"version": 2, "replaces": 1}


def test_a_version_that_drops_a_party_needs_that_partys_signature_and_it_can_end_the_agreement_meanwhile(
    drafting, org_a, org_b, partner
):
    agreement = drafting.active([org_a, org_b, partner])
    v1 = agreement.current_version
    v2 = _save_change(drafting.signatory(org_a), org_a, agreement, [org_a, org_b])
    drafting.propose(agreement)
    v2.refresh_from_db()
    assert [p["slug"] for p in v2.document["leaving_parties"]] == [partner.slug]

    drafting.sign(agreement, org_a, version=2)
    drafting.sign(agreement, org_b, version=2)

    # every party of version 2 has signed, but the partner it drops has not: version 1 still binds all three
    agreement.refresh_from_db()
    assert agreement.current_version_id == v1.pk and _allowed_under(partner, org_a) == v1.pk
    services.agreement_suspend(
        actor=drafting.signatory(partner), organisation=partner, agreement=agreement, reason="Not agreed"
    )
    services.agreement_resume(actor=drafting.signatory(partner), organisation=partner, agreement=agreement)

    drafting.sign(agreement, partner, version=2)  # the partner agrees to leave

    agreement.refresh_from_db()
    assert agreement.current_version_id == v2.pk
    with pytest.raises(SharingDenied):
        access_receive(**_query(partner, org_a))
    assert _allowed_under(org_a, org_b) == v2.pk
    with pytest.raises(PermissionDenied, match="not a party to the version in force"):
        services.agreement_suspend(
            actor=drafting.signatory(partner), organisation=partner, agreement=agreement, reason="Too late"
        )


def test_notice_to_terminate_withdraws_a_pending_version_which_can_no_longer_be_signed(drafting, org_a, org_b, partner):
    agreement = drafting.active([org_a, org_b, partner])
    _save_change(drafting.signatory(org_a), org_a, agreement, [org_a, org_b])
    drafting.propose(agreement)

    services.agreement_terminate(
        actor=drafting.signatory(partner), organisation=partner, agreement=agreement, reason="Leaving", notice_days=30
    )

    agreement.refresh_from_db()
    assert agreement.pending_version_id is None
    assert _state(agreement) == State.ACTIVE  # notice runs; sharing continues under version 1 until it ends
    with pytest.raises(ValidationError, match="Notice to terminate"):
        drafting.sign(agreement, org_b, version=2)
    event = AuditEvent.objects.filter(action="agreement.terminate", target_id=str(agreement.pk)).last()
    assert event.detail["withdrawn_version"] == 2


def test_suspension_leaves_a_pending_version_pending_and_its_takeover_keeps_the_suspension(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    _save_change(drafting.signatory(org_a), org_a, agreement, [org_a, org_b], retention_days=365)
    drafting.propose(agreement)
    services.agreement_suspend(actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement, reason="Pause")

    drafting.sign(agreement, org_a, version=2)
    drafting.sign(agreement, org_b, version=2)

    agreement.refresh_from_db()
    assert agreement.current_version.number == 2 and _state(agreement) == State.SUSPENDED
    services.agreement_resume(actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement)
    assert access_receive(**_query(org_a, org_b)).retention_days == 365


def test_a_draft_that_was_never_signed_has_nothing_to_suspend_or_terminate(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    before = counts()

    for call, extra in (
        (services.agreement_suspend, {}),
        (services.agreement_terminate, {"notice_days": 0}),
    ):
        with pytest.raises(ValidationError, match="not in force yet"):
            call(actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement, reason="No", **extra)

    assert counts() == before


def test_editing_a_proposed_pending_version_replaces_it_and_signatures_start_again(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    _save_change(drafting.signatory(org_a), org_a, agreement, [org_a, org_b], retention_days=365)
    drafting.propose(agreement)
    drafting.sign(agreement, org_a, version=2)

    v3 = _save_change(drafting.lead(org_b), org_b, agreement, [org_a, org_b], retention_days=300)

    agreement.refresh_from_db()
    assert v3.number == 3 and agreement.pending_version_id == v3.pk and agreement.current_version.number == 1
    with pytest.raises(ValidationError, match="superseded by version 3"):
        drafting.sign(agreement, org_b, version=2)
