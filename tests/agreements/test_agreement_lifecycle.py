"""Lifecycle: new versions need fresh signatures; suspension and notice tell the others; expiry is automatic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from agreements import selectors, services
from agreements.policy import SharingDenied, access_receive
from agreements.states import State, agreement_state
from core.models import AuditEvent
from notifications.kinds import Kind
from notifications.models import Notification
from tests.agreements.conftest import TODAY, counts


def _query(source, recipient, **overrides):
    query = {
        "source_id": source.pk,
        "recipient_id": recipient.pk,
        "kind": "speaker_check",
        "level": 2,
        "purpose": "speaker_due_diligence",
    }
    return {**query, **overrides}


def _state(agreement, at=None):
    agreement.refresh_from_db()
    return agreement_state(agreement, at or timezone.now())


def _edit(drafting, agreement, organisation, parties, **changes):
    agreement.refresh_from_db()
    version = agreement.current_version
    return services.agreement_edit(
        actor=drafting.lead(organisation),
        organisation=organisation,
        agreement=agreement,
        parties=[o.slug for o in parties],
        terms={**version.__dict__, **changes},
        change_note="Edited",
    )


def test_editing_an_active_agreement_makes_a_pending_version_that_needs_every_signature(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    first = agreement.current_version

    second = _edit(drafting, agreement, org_a, [org_a, org_b], retention_days=365)

    agreement.refresh_from_db()
    assert second.number == 2 and agreement.pending_version_id == second.pk
    assert _state(agreement) == State.ACTIVE and agreement.current_version_id == first.pk
    assert first.signatures.count() == 2  # signatures stay on record against the version they signed
    assert access_receive(**_query(org_a, org_b)).retention_days == 730  # still version 1's terms
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    assert access_receive(**_query(org_a, org_b)).agreement_version_id == first.pk
    drafting.sign(agreement, org_b)
    assert access_receive(**_query(org_a, org_b)).retention_days == 365


def test_editing_a_draft_changes_it_in_place(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])

    version = _edit(drafting, agreement, org_a, [org_a, org_b], title="Renamed exchange")

    assert version.number == 1 and agreement.versions.count() == 1
    assert AuditEvent.objects.filter(action="agreement.edit", target_id=str(agreement.pk)).count() == 1


def test_suspension_stops_sharing_at_once_tells_the_other_party_and_only_the_suspender_resumes(
    drafting, org_a, org_b, django_capture_on_commit_callbacks
):
    agreement = drafting.active([org_a, org_b])
    services.agreement_suspend(
        actor=drafting.signatory(org_b),
        organisation=org_b,
        agreement=agreement,
        reason="Reported breach under investigation",
    )

    assert _state(agreement) == State.SUSPENDED
    assert agreement.suspension_reason == "Reported breach under investigation"
    # The other party's people who may read agreements are told, in their own organisation; the suspender's not.
    with schema_context(org_a.schema_name):
        told = list(
            Notification.objects.filter(kind=Kind.AGREEMENT_CHANGED).values_list("recipient_id", "scope", "url")
        )
    assert sorted(told) == sorted(
        (p.pk, "agreements:read", f"/agreements/{agreement.pk}/")
        for p in (drafting.lead(org_a), drafting.signatory(org_a))
    )
    with schema_context(org_b.schema_name):
        assert not Notification.objects.filter(kind=Kind.AGREEMENT_CHANGED).exists()
    with pytest.raises(SharingDenied) as denied:
        access_receive(**_query(org_a, org_b))
    assert denied.value.reason.value == "suspended"

    with pytest.raises(ValidationError, match="Only"):
        services.agreement_resume(actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement)
    services.agreement_resume(actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement)
    assert access_receive(**_query(org_a, org_b)).agreement_id == agreement.pk


def test_notice_to_terminate_keeps_sharing_until_the_notice_ends(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])

    services.agreement_terminate(
        actor=drafting.signatory(org_a),
        organisation=org_a,
        agreement=agreement,
        reason="Partnership ending",
        notice_days=30,
    )

    now = timezone.now()
    assert access_receive(**_query(org_a, org_b), at=now + timedelta(days=29)).agreement_id == agreement.pk
    with pytest.raises(SharingDenied) as denied:
        access_receive(**_query(org_a, org_b), at=now + timedelta(days=31))
    assert denied.value.reason.value == "terminated"
    assert _state(agreement, now + timedelta(days=31)) == State.TERMINATED


def test_suspending_or_terminating_without_a_reason_is_refused_and_changes_nothing(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    before = counts()

    with pytest.raises(ValidationError) as no_reason:
        services.agreement_suspend(actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement, reason=" ")
    with pytest.raises(ValidationError) as bad_notice:
        services.agreement_terminate(
            actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement, reason="Because", notice_days=-3
        )

    assert "reason" in no_reason.value.message_dict and "notice_days" in bad_notice.value.message_dict
    assert counts() == before and _state(agreement) == State.ACTIVE


def test_an_agreement_past_its_expiry_stops_being_active_on_its_own(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b], review_date=TODAY, expiry_date=TODAY + timedelta(days=10))
    later = timezone.now() + timedelta(days=12)  # two days after the last day, whatever the hour

    assert _state(agreement) == State.ACTIVE
    assert _state(agreement, later) == State.EXPIRED
    with pytest.raises(SharingDenied) as denied:
        access_receive(**_query(org_a, org_b), at=later)
    assert denied.value.reason.value == "expired"


def test_review_reminders_appear_three_months_before_the_review_date(drafting, org_a, org_b, partner):
    soon = drafting.active([org_a, org_b], review_date=TODAY + timedelta(days=80))
    later = drafting.active([org_a, partner], review_date=TODAY + timedelta(days=120))

    due = selectors.agreements_due_for_review(org_a)

    assert soon in due and later not in due
    assert later in selectors.agreements_due_for_review(org_a, TODAY + timedelta(days=40))
    assert selectors.agreements_due_for_review(org_b) == [soon]
