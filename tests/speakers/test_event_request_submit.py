"""Organisers save drafts and submit; they are told what is missing; notice is counted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from speakers import services
from speakers.choices import Status
from speakers.models import EventRequest
from speakers.services import EventDetails, SpeakerDetails
from tests.speakers.conftest import SPEAKERS, details, in_days, submit


def test_an_organiser_saves_a_draft_then_submits_it_with_enough_notice(a, org_a):
    with tenant_context(org_a):
        draft = services.event_request_save_draft(
            actor=a.organiser, details=EventDetails(title="Poetry and protest"), speakers=[]
        )
        assert draft.status == Status.DRAFT

        submitted = services.event_request_submit(
            actor=a.organiser, event_request=draft, details=details(title="Poetry and protest"), speakers=SPEAKERS
        )

        assert submitted.pk == draft.pk and submitted.status == Status.SUBMITTED
        assert submitted.notice_met is True and submitted.notice_working_days >= 15
        assert [s.name for s in submitted.speakers.all()] == ["Dr Ngozi Adebayo-Flint"]
        actions = list(AuditEvent.objects.filter(target_id=str(draft.pk), target_type="speakers.eventrequest")
                       .values_list("action", flat=True))  # fmt: skip
        assert actions == ["speakers.request.save_draft", "speakers.request.submit"]


def test_submitting_an_incomplete_request_names_every_missing_field_and_saves_nothing(a, org_a):
    with tenant_context(org_a):
        with pytest.raises(ValidationError) as error:
            services.event_request_submit(actor=a.organiser, details=EventDetails(title=""), speakers=[])

        assert set(error.value.message_dict) == {
            "title", "starts_at", "venue", "expected_audience", "organising_body", "speakers",
        }  # fmt: skip
        assert not EventRequest.objects.exists()


def test_an_event_in_the_past_is_refused_with_a_message_on_its_date(a, org_a):
    with tenant_context(org_a):
        with pytest.raises(ValidationError) as error:
            submit(a.organiser, starts_at=in_days(-1))

        assert "in the past" in error.value.message_dict["starts_at"][0]
        assert not EventRequest.objects.exists()


def test_short_notice_needs_a_reason_and_is_then_accepted_but_flagged(a, org_a):
    with tenant_context(org_a):
        with pytest.raises(ValidationError) as error:
            submit(a.organiser, starts_at=in_days(3))
        assert "explain why the notice is short" in error.value.message_dict["short_notice_reason"][0]
        assert not EventRequest.objects.exists()

        request = services.event_request_submit(
            actor=a.organiser,
            details=details(starts_at=in_days(3)),
            speakers=SPEAKERS,
            short_notice_reason="The speaker's visit to the UK was confirmed only this week.",
        )

        assert request.notice_met is False and request.short_notice_reason.startswith("The speaker")


def test_each_speaker_needs_a_topic(a, org_a):
    with tenant_context(org_a), pytest.raises(ValidationError) as error:
        submit(a.organiser, speakers=[SpeakerDetails(name="Henrik Lindqvist")])
    assert "topic" in error.value.message_dict["speakers"][0]


def test_only_organisers_make_requests_and_only_their_own_drafts_can_be_edited(a, org_a):
    with tenant_context(org_a):
        with pytest.raises(PermissionDenied):
            submit(a.reviewer)
        draft = services.event_request_save_draft(
            actor=a.organiser, details=EventDetails(title="Film night"), speakers=[]
        )

        with pytest.raises(PermissionDenied):
            services.event_request_save_draft(
                actor=a.other_organiser, event_request=draft, details=EventDetails(title="Hijacked"), speakers=[]
            )

        draft.refresh_from_db()
        assert draft.title == "Film night"
        assert not AuditEvent.objects.filter(action="speakers.request.submit").exists()


def test_an_organiser_withdraws_a_request_and_it_is_recorded_as_withdrawn(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)

        decision = services.event_request_withdraw(actor=a.organiser, event_request=request, reason="Speaker unwell.")

        request.refresh_from_db()
        assert request.status == Status.WITHDRAWN and decision.outcome == "withdrawn"


def test_a_decision_not_to_invite_the_speaker_is_recorded_as_such(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)

        decision = services.event_request_withdraw(
            actor=a.organiser, event_request=request, reason="We chose another speaker.", speaker_not_invited=True
        )

        assert decision.outcome == "speaker_not_invited"
