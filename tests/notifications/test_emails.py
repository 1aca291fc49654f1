"""Email: with seeded speakers, students and case subjects, exactly the expected messages go out, naming none of them.

The outbox is Django's locmem backend (test settings); the worker's tasks run eagerly after commit.
"""

from __future__ import annotations

from django.core import mail
from django_tenants.utils import tenant_context

from notifications import delivery
from notifications import services as notifications
from notifications.kinds import Delivery, Kind
from sharing import services as sharing
from speakers import services as speakers
from tenants.models import Role
from tests.agreements.conftest import Drafting
from tests.sharing.conftest import FakeProjection, speaker_flow
from tests.speakers.conftest import SPEAKERS, assess, submit
from tests.welfare.conftest import concern_input, open_case
from welfare import services as welfare
from welfare.models import Concern
from welfare.services import EscalationInput

SHARED_SPEAKER = "Amira El-Masri"
EVENT_TITLE = "An evening with Dr Vesna Okonkwo-Hartley"
SECOND_SUBJECT = ("Oluwaseun", "Bergström-Achebe")


def _seeded_names(people) -> list[str]:
    """Every speaker's and subject's name put into the hub below (and each part alone), and the staff's names."""
    first = concern_input()
    names = [SHARED_SPEAKER, "Dr Vesna Okonkwo-Hartley", *(s.name for s in SPEAKERS)]
    names += [f"{first.subject_given_name} {first.subject_family_name}", " ".join(SECOND_SUBJECT)]
    parts = [part for name in names for part in name.split() if part != "Dr"]  # each given and family name alone
    return sorted({EVENT_TITLE, *names, *parts, *(p.full_name for p in people)})


def test_exactly_the_expected_emails_go_out_and_none_names_a_speaker_or_a_subject(
    org_a, org_b, member, django_capture_on_commit_callbacks
):
    drafting = Drafting(member)
    a_lead, a_signatory = drafting.lead(org_a), drafting.signatory(org_a)
    b_lead, b_signatory = drafting.lead(org_b), drafting.signatory(org_b)
    a_organiser, a_reviewer = member(org_a, Role.ORGANISER), member(org_a, Role.REVIEWER)
    a_senior, a_officer = member(org_a, Role.SENIOR_DECISION_MAKER), member(org_a, Role.SAFEGUARDING_OFFICER)
    with tenant_context(org_a):
        # The Prevent lead keeps welfare notifications in the hub only: no email for them.
        notifications.preferences_set(a_lead, {Kind.CONCERN: Delivery.HUB})

    with django_capture_on_commit_callbacks(execute=True):
        # Agreement proposed by Alderley: Brackenford's signatory must sign (email, sent before
        # anyone signs: once signed, "awaits your signature" is no longer sent).
        agreement = drafting.draft([org_a, org_b], flows=[speaker_flow([org_a], [org_b], "full")])
        drafting.propose(agreement)
    with django_capture_on_commit_callbacks(execute=True):
        for organisation in (org_a, org_b):
            drafting.sign(agreement, organisation)
        (check,) = sharing.check_share(actor=None, source=org_a, projection=FakeProjection(1, (SHARED_SPEAKER,)))
        # Brackenford asks for the detail (email to Alderley's lead); the answer waits for the digest.
        request = sharing.detail_request_create(actor=b_lead, organisation=org_b, check=check, reason="Event in May")
        sharing.detail_request_decide(actor=a_lead, request=request, approve=False, note="Not needed")
        with tenant_context(org_a):
            # A request escalated to the senior decision-maker (email).
            event_request = submit(a_organiser, title=EVENT_TITLE)
            assess(a_reviewer, event_request, risk_level="high")
            speakers.event_request_escalate(
                actor=a_reviewer, event_request=event_request, decision_maker=a_senior, note="High risk."
            )
            # An urgent concern (email to the officer; the lead chose the hub only), opened as a case.
            urgent = concern_input(
                subject_given_name=SECOND_SUBJECT[0], subject_family_name=SECOND_SUBJECT[1], immediate_risk=True,
                immediate_risk_details="Spoke of Oluwaseun's plan.",
            )  # fmt: skip
            welfare.concern_raise(actor=a_organiser, data=urgent)
        case = open_case(org_a, a_officer, concern=_latest_concern(org_a))
        with tenant_context(org_a):
            # The Prevent lead records a stage: the case's team (the officer) is told (email).
            welfare.case_escalation_record(
                actor=a_lead, case=case, data=EscalationInput(prevent_lead_involved_on=case.opened_on)
            )

    sent = [(m.to, m.subject) for m in mail.outbox]
    assert sorted(to for to, _ in sent) == sorted(
        [[b_signatory.email], [a_lead.email], [a_senior.email], [a_officer.email], [a_officer.email]]
    ), sent
    assert {subject.split(" (")[0] for _, subject in sent} == {
        f"Partnership Hub: {Kind.AGREEMENT_TO_SIGN.label}",
        f"Partnership Hub: {Kind.DETAIL_REQUESTED.label}",
        f"Partnership Hub: {Kind.ESCALATED.label}",
        f"Partnership Hub: {Kind.CONCERN.label}",
    }
    escalated = next(m for m in mail.outbox if m.to == [a_senior.email])
    assert f"/speakers/{event_request.pk}/" in escalated.body and org_a.slug in escalated.body

    # The morning digest: Brackenford's lead gets one message with the answer to their request.
    with tenant_context(org_b):
        assert delivery.digest() == 1
    with tenant_context(org_a):
        assert delivery.digest() == 0  # what was emailed is not sent again; the lead's hub-only concerns neither
    digest = mail.outbox[-1]
    assert digest.to == [b_lead.email] and "declined our request" in digest.body

    people = [a_lead, a_signatory, b_lead, b_signatory, a_organiser, a_reviewer, a_senior, a_officer]
    names = _seeded_names(people)
    assert "Temperance" in names and "Okonkwo-Hartley" in names and SHARED_SPEAKER in names
    for message in mail.outbox:
        seen = f"{message.subject}\n{message.body}".casefold()
        for name in names:
            assert name.casefold() not in seen, (name, message.subject)


def _latest_concern(org):
    with tenant_context(org):
        return Concern.objects.latest("pk")


def _on(case):
    return case.opened_on
