"""Reviewers assess and decide; higher-risk requests go to the named senior decision-maker."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from speakers import services
from speakers.choices import MitigationProgress, Status
from speakers.models import Decision
from speakers.services import DecisionInput
from tests.speakers.conftest import approve, assess, submit

CRITERION = "The reviewer judges the overall risk to be high"
REJECTION = dict(
    outcome="rejected",
    reasons="Credible information that the event would be used to incite violence.",
    rejection_category="prevent",
    rejection_explanation="Police advice that the event would be used to encourage violence against a group.",
    speech_within_law="no",
    free_speech_steps="An independent chair and a balancing speaker were considered and would not prevent it.",
    restriction_proportionality="No lesser step would keep the speech within the law.",
    not_offence_or_reputation_alone=True,
)


def test_a_reviewer_approves_a_low_risk_request(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request)

        decision = approve(a.reviewer, request)

        request.refresh_from_db()
        assert request.status == Status.DECIDED
        assert (decision.outcome, decision.decided_by, decision.as_senior_decision_maker) == (
            "approved",
            a.reviewer,
            False,
        )
        assert AuditEvent.objects.filter(action="speakers.request.decide", target_id=str(request.pk)).count() == 1


def test_a_reviewer_approves_with_mitigations_which_are_then_tracked_to_completion(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, risk_level="medium", mitigations=("Independent chair", "Post-event report"))
        chosen = [m.pk for m in request.mitigations.all()]

        approve(a.reviewer, request, outcome="approved_with_mitigations", imposed_mitigation_ids=chosen,
                reasons="Lawful but contested; a chair keeps the debate balanced.")  # fmt: skip
        chair = request.mitigations.get(label="Independent chair")
        services.request_mitigation_progress(actor=a.organiser, request_mitigation=chair, progress="done")

        chair.refresh_from_db()
        assert chair.imposed and chair.progress == MitigationProgress.DONE and chair.completed_by == a.organiser
        assert request.mitigations.get(label="Post-event report").progress == MitigationProgress.PENDING


def test_a_rejection_with_its_free_speech_steps_is_recorded(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, risk_level="medium")

        decision = approve(a.reviewer, request, **REJECTION)

        assert decision.outcome == "rejected" and decision.rejection_category == "prevent"


def test_a_rejection_without_free_speech_considerations_is_refused_field_by_field_and_nothing_is_saved(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, risk_level="medium")

        with pytest.raises(ValidationError) as error:
            approve(a.reviewer, request, outcome="rejected", reasons="We would rather not.",
                    rejection_category="other", rejection_explanation="Might embarrass us.")  # fmt: skip

        assert set(error.value.message_dict) == {
            "speech_within_law", "free_speech_steps", "restriction_proportionality", "not_offence_or_reputation_alone",
        }  # fmt: skip
        request.refresh_from_db()
        assert request.status == Status.ASSESSED and not Decision.objects.exists()
        assert not AuditEvent.objects.filter(action="speakers.request.decide").exists()


def test_a_decision_without_reasons_is_refused(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request)

        with pytest.raises(ValidationError) as error:
            approve(a.reviewer, request, reasons="  ")

        assert "reasons" in error.value.message_dict and not Decision.objects.exists()


def test_a_rejection_explanation_is_limited_to_300_words(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request)

        with pytest.raises(ValidationError) as error:
            approve(a.reviewer, request, **{**REJECTION, "rejection_explanation": "word " * 301})

        assert "300 words" in error.value.message_dict["rejection_explanation"][0]


@pytest.mark.parametrize("who", ["organiser", "auditor", "senior", "admin"])
def test_a_decision_by_someone_without_the_reviewing_role_is_refused_and_nothing_is_recorded(a, org_a, who):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request)

        with pytest.raises(PermissionDenied):
            approve(getattr(a, who), request)

        request.refresh_from_db()
        assert request.status == Status.ASSESSED and not Decision.objects.exists()
        assert not AuditEvent.objects.filter(action="speakers.request.decide").exists()


def test_a_higher_risk_request_cannot_be_decided_by_the_reviewer_and_must_be_escalated(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, risk_level="medium", criteria=[CRITERION])

        with pytest.raises(PermissionDenied, match="escalate"):
            approve(a.reviewer, request)

        assert not Decision.objects.exists()


def test_an_escalated_request_is_decided_by_the_named_senior_decision_maker(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, risk_level="high", mitigations=("Security staff present",))
        services.event_request_escalate(actor=a.reviewer, event_request=request, decision_maker=a.senior,
                                        note="Higher-risk: credible protest information.")  # fmt: skip

        decision = approve(a.senior, request, outcome="approved_with_mitigations",
                           imposed_mitigation_ids=[m.pk for m in request.mitigations.all()],
                           reasons="Lawful; security staff manage the protest risk.")  # fmt: skip

        assert decision.as_senior_decision_maker and decision.decided_by == a.senior
        assert "senior_decision_maker" in decision.decider_roles


@pytest.mark.parametrize("who", ["other_senior", "reviewer", "prevent_lead"])
def test_an_escalated_request_decided_by_the_wrong_person_is_refused_and_nothing_is_recorded(a, org_a, who):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, risk_level="high")
        services.event_request_escalate(actor=a.reviewer, event_request=request, decision_maker=a.senior, note="High.")

        with pytest.raises(PermissionDenied):
            approve(getattr(a, who), request)

        request.refresh_from_db()
        assert request.status == Status.ESCALATED and not Decision.objects.exists()
        assert not AuditEvent.objects.filter(action="speakers.request.decide").exists()


def test_escalation_must_name_a_senior_decision_maker(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request, risk_level="high")

        with pytest.raises(ValidationError) as error:
            services.event_request_escalate(actor=a.reviewer, event_request=request, decision_maker=a.auditor, note="x")

        assert "decision_maker" in error.value.message_dict
        request.refresh_from_db()
        assert request.status == Status.ASSESSED and request.escalated_to is None


def test_an_assessment_needs_free_speech_considerations_beside_the_risks(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)

        with pytest.raises(ValidationError) as error:
            services.event_request_assess(
                actor=a.reviewer, event_request=request,
                data=services.AssessmentInput(risk_level="low", free_speech_considerations=""),
            )  # fmt: skip

        assert "free_speech_considerations" in error.value.message_dict
        request.refresh_from_db()
        assert request.status == Status.SUBMITTED


def test_security_costs_passed_on_need_the_exceptional_circumstances(a, org_a):
    with tenant_context(org_a):
        request = submit(a.organiser)
        assess(a.reviewer, request)

        with pytest.raises(ValidationError) as error:
            services.event_request_decide(
                actor=a.reviewer, event_request=request,
                data=DecisionInput(outcome="approved", reasons="Fine.", security_costs_passed_on=True),
            )  # fmt: skip

        assert "security_costs_circumstances" in error.value.message_dict
