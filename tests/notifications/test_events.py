"""Each kind of notification reaches the people who must act, in their own organisation, and nobody else.

For every kind: the person holding the right gets it, with a link on their organisation's host;
a colleague without the right and a person in another organisation do not; the text names
organisations, never a speaker, a student or a case subject.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from agreements import services as agreements
from core.dates import today
from networks import services as networks
from notifications.kinds import Kind
from notifications.models import Notification
from sharing import services as sharing
from speakers import services as speakers
from tenants import services as tenant_services
from tenants.models import Membership, Role
from tests.agreements.conftest import Drafting
from tests.networks.conftest import schedule
from tests.notifications.helpers import everyone, inbox, may_still_see
from tests.sharing.conftest import FakeProjection, speaker_flow
from tests.speakers.conftest import a, assess, cast, submit  # noqa: F401 (fixtures)
from tests.welfare.conftest import open_case, raise_concern
from welfare import services as welfare
from welfare.services import EscalationInput


@pytest.fixture
def drafting(member) -> Drafting:
    return Drafting(member)


# --- Agreements -------------------------------------------------------------------------------


def test_a_version_sent_for_signature_reaches_the_other_partys_signatories_only(drafting, org_a, org_b, member):
    agreement = drafting.draft([org_a, org_b])
    b_auditor, a_other_signatory = member(org_b, Role.AUDITOR), member(org_a, Role.SIGNATORY)

    drafting.propose(agreement)

    (note,) = inbox(org_b, drafting.signatory(org_b), Kind.AGREEMENT_TO_SIGN)
    assert note.url == f"/agreements/{agreement.pk}/" and note.scope == "agreements:sign"
    assert "Alderley University" in note.text and f"ISA-{agreement.pk}" in note.text
    assert agreement.title not in note.text
    assert everyone(org_b, Kind.AGREEMENT_TO_SIGN) == {drafting.signatory(org_b).pk}  # not the lead, not the auditor
    assert b_auditor.pk not in everyone(org_b, Kind.AGREEMENT_TO_SIGN)
    assert everyone(org_a, Kind.AGREEMENT_TO_SIGN) == set()  # the proposing party is not told
    assert a_other_signatory.pk not in everyone(org_a, Kind.AGREEMENT_TO_SIGN)


def test_awaits_your_signature_is_no_longer_shown_once_the_organisation_has_signed(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b])
    drafting.propose(agreement)
    signatory = drafting.signatory(org_b)
    (note,) = inbox(org_b, signatory, Kind.AGREEMENT_TO_SIGN)
    assert may_still_see(org_b, note)

    drafting.sign(agreement, org_b)

    assert not may_still_see(org_b, note)  # neither shown, counted nor emailed any more


def test_suspension_and_notice_reach_the_other_partys_readers_and_not_a_stranger(
    drafting, org_a, org_b, partner, member
):
    agreement = drafting.active([org_a, org_b])
    a_auditor, stranger = member(org_a, Role.AUDITOR), member(partner, Role.PREVENT_LEAD)

    agreements.agreement_suspend(actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement, reason="x")
    agreements.agreement_resume(actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement)
    agreements.agreement_terminate(
        actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement, reason="Closing", notice_days=30
    )

    texts = [n.text for n in inbox(org_a, a_auditor, Kind.AGREEMENT_CHANGED)]
    ends = timezone.localdate() + dt.timedelta(days=30)
    assert len(texts) == 2  # suspended, notice given (resuming is not a kind of notification)
    assert "Brackenford University suspended" in texts[0]
    assert "gave notice to terminate" in texts[1] and f"{ends.day} {ends:%B %Y}" in texts[1]
    assert everyone(org_b, Kind.AGREEMENT_CHANGED) == set()
    assert inbox(partner, stranger) == []


def test_notice_of_no_days_ends_it_at_once_and_the_sweep_does_not_say_so_again(drafting, org_a, org_b):
    from agreements import notices

    agreement = drafting.active([org_a, org_b])
    agreements.agreement_terminate(
        actor=drafting.signatory(org_a), organisation=org_a, agreement=agreement, reason="Closing", notice_days=0
    )

    (note,) = inbox(org_b, drafting.lead(org_b), Kind.AGREEMENT_CHANGED)
    assert "with immediate effect" in note.text
    assert notices.sweep_ended(org_b) == 0 and notices.sweep_ended(org_a) == 0


def test_a_rolled_back_proposal_stores_nothing_and_emails_nothing(
    drafting, org_a, org_b, django_capture_on_commit_callbacks
):
    agreement = drafting.draft([org_a, org_b])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            drafting.propose(agreement)
            raise RuntimeError("the page failed after proposing")

    assert callbacks == []
    assert everyone(org_b, Kind.AGREEMENT_TO_SIGN) == set()
    assert mail.outbox == []


# --- Requests for detail ------------------------------------------------------------------------


def test_a_request_for_detail_reaches_the_sources_prevent_lead_and_the_answer_the_askers_searchers(
    drafting, org_a, org_b, member
):
    drafting.active([org_a, org_b], flows=[speaker_flow([org_a], [org_b], "full")])
    (check,) = sharing.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    a_reviewer, b_organiser = member(org_a, Role.REVIEWER), member(org_b, Role.ORGANISER)
    asker = drafting.lead(org_b)

    request = sharing.detail_request_create(actor=asker, organisation=org_b, check=check, reason="Event on 3 May")

    (asked,) = inbox(org_a, drafting.lead(org_a), Kind.DETAIL_REQUESTED)
    assert asked.url == "/exchange/requests/" and "Brackenford University asked" in asked.text
    assert everyone(org_a, Kind.DETAIL_REQUESTED) == {drafting.lead(org_a).pk}  # answering is the lead's
    assert a_reviewer.pk not in everyone(org_a, Kind.DETAIL_REQUESTED)
    assert everyone(org_b, Kind.DETAIL_REQUESTED) == set()

    sharing.detail_request_decide(actor=drafting.lead(org_a), request=request, approve=True)

    (answered,) = inbox(org_b, asker, Kind.DETAIL_ANSWERED)
    assert answered.url == f"/exchange/checks/{check.pk}/" and "Alderley University approved" in answered.text
    assert "Amira" not in answered.text + asked.text and "El-Masri" not in answered.text + asked.text
    assert b_organiser.pk not in everyone(org_b, Kind.DETAIL_ANSWERED)
    assert everyone(org_a, Kind.DETAIL_ANSWERED) == set()


# --- Escalations ---------------------------------------------------------------------------------


def _escalate(a, org_a, to):  # noqa: F811
    with tenant_context(org_a):
        event_request = submit(a.organiser, title="An evening with Dr Vesna Okonkwo-Hartley")
        assess(a.reviewer, event_request, risk_level="high")
        speakers.event_request_escalate(actor=a.reviewer, event_request=event_request, decision_maker=to, note="High.")
    return event_request


def test_an_escalation_reaches_the_decision_maker_named_and_ends_with_the_assignment(a, org_a, org_b, member):  # noqa: F811
    elsewhere = member(org_b, Role.SENIOR_DECISION_MAKER)
    event_request = _escalate(a, org_a, a.senior)

    (note,) = inbox(org_a, a.senior, Kind.ESCALATED)
    assert note.url == f"/speakers/{event_request.pk}/" and note.object_id == event_request.pk
    assert "Okonkwo" not in note.text and "Vesna" not in note.text
    assert everyone(org_a, Kind.ESCALATED) == {a.senior.pk}  # not the other senior, the reviewer or the lead
    assert inbox(org_b, elsewhere) == []
    assert may_still_see(org_a, note)

    # The senior loses the role: the request is stuck, a reviewer re-escalates it to another senior.
    tenant_services.membership_set_roles(
        actor=a.admin, membership=Membership.objects.get(user=a.senior, organisation=org_a), roles=[Role.REVIEWER]
    )
    with tenant_context(org_a):
        speakers.event_request_reescalate(
            actor=a.reviewer, event_request=event_request, decision_maker=a.other_senior, note="Please decide."
        )

    (moved,) = inbox(org_a, a.other_senior, Kind.ESCALATED)
    assert moved.object_id == event_request.pk and may_still_see(org_a, moved)
    assert not may_still_see(org_a, note)  # the earlier decision-maker's is gone from their centre and emails


# --- Welfare --------------------------------------------------------------------------------------


def test_a_concern_reaches_the_safeguarding_team_and_an_urgent_one_says_so(org_a, org_b, member):
    officer, lead, raiser = (member(org_a, r) for r in (Role.SAFEGUARDING_OFFICER, Role.PREVENT_LEAD, Role.ORGANISER))
    elsewhere = member(org_b, Role.SAFEGUARDING_OFFICER)

    raise_concern(org_a, raiser)
    raise_concern(org_a, raiser, immediate_risk=True, immediate_risk_details="Spoke of a plan for Friday.")

    texts = [n.text for n in inbox(org_a, officer, Kind.CONCERN)]
    assert len(texts) == 2 and "urgent" not in texts[0].lower() and "urgent" in texts[1].lower()
    assert everyone(org_a, Kind.CONCERN) == {officer.pk, lead.pk}
    assert inbox(org_b, elsewhere) == []
    assert not any(name in " ".join(texts) for name in ("Temperance", "Adebayo-Lindqvist", "Friday"))


def test_a_case_needs_the_person_put_on_its_team_and_its_team_hears_of_an_escalation(org_a, member):
    officer, colleague, raiser = (member(org_a, r) for r in (Role.SAFEGUARDING_OFFICER,) * 2 + (Role.ORGANISER,))
    lead = member(org_a, Role.PREVENT_LEAD)
    case = open_case(org_a, officer, raiser=raiser)
    with tenant_context(org_a):
        Notification.objects.all().delete()  # the concern's own notifications
        welfare.case_team_add(actor=officer, case=case, person=colleague)

    (joined,) = inbox(org_a, colleague, Kind.CONCERN)
    assert joined.url == f"/welfare/cases/{case.pk}/" and joined.object_id == case.pk and may_still_see(org_a, joined)
    assert inbox(org_a, officer, Kind.CONCERN) == []  # who added them is not told

    with tenant_context(org_a):
        welfare.case_escalation_record(actor=lead, case=case, data=EscalationInput(prevent_lead_involved_on=today()))
    escalated = {
        p.pk for p in (officer, colleague, lead) if any("escalated" in n.text for n in inbox(org_a, p, Kind.CONCERN))
    }
    assert escalated == {officer.pk, colleague.pk}  # the team; not the lead who recorded it

    with tenant_context(org_a):
        welfare.case_team_remove(actor=officer, case=case, person=colleague)
    assert not may_still_see(org_a, joined)  # off the team: the case's notifications are gone for them


# --- Partner reports --------------------------------------------------------------------------------


def test_a_signed_off_report_reaches_the_validating_universitys_overseers(org_a, org_b, partner, member):
    from tests.partners.conftest import World

    drafting = Drafting(member)
    w = World(
        university=org_a, partner=partner, drafting=drafting, lead=drafting.lead(partner),
        officer=member(partner, Role.SAFEGUARDING_OFFICER), uni_lead=drafting.lead(org_a),
        uni_dpo=member(org_a, Role.DATA_PROTECTION_OFFICER),
    )  # fmt: skip
    organiser, elsewhere = member(org_a, Role.ORGANISER), member(org_b, Role.PREVENT_LEAD)
    w.franchise()

    report = w.file()

    told = everyone(org_a, Kind.PARTNER_REPORT_ARRIVED)
    assert told == {w.uni_lead.pk, w.uni_dpo.pk} and organiser.pk not in told
    (note,) = inbox(org_a, w.uni_dpo, Kind.PARTNER_REPORT_ARRIVED)
    assert note.url.startswith("/partners/received/") and "Alderley Partner College" in note.text
    assert report.period.label in note.text
    assert everyone(partner, Kind.PARTNER_REPORT_ARRIVED) == set() and inbox(org_b, elsewhere) == []


def test_a_replaced_reports_notification_is_dropped_rather_than_link_to_not_found(org_a, partner, member):
    """Filing a term again replaces version 1 (the university opens only version 2): the centre
    and emails drop version 1's notification, which would open a 404 page."""
    from tests.partners.conftest import World

    drafting = Drafting(member)
    w = World(
        university=org_a, partner=partner, drafting=drafting, lead=drafting.lead(partner),
        officer=member(partner, Role.SAFEGUARDING_OFFICER), uni_lead=drafting.lead(org_a),
        uni_dpo=member(org_a, Role.DATA_PROTECTION_OFFICER),
    )  # fmt: skip
    w.franchise()
    w.file()
    (first,) = inbox(org_a, w.uni_dpo, Kind.PARTNER_REPORT_ARRIVED)
    assert may_still_see(org_a, first)

    w.file()

    old, new = inbox(org_a, w.uni_dpo, Kind.PARTNER_REPORT_ARRIVED)
    assert "(version 1)" in old.text and "(version 2)" in new.text
    assert not may_still_see(org_a, old) and may_still_see(org_a, new)


# --- Papers --------------------------------------------------------------------------------------


def test_papers_out_reach_the_networks_people_and_not_a_member_organisations_other_people(
    network, org_a, org_b, member
):
    coordinator = member(network, Role.COORDINATOR)
    in_network = member(org_a, Role.PREVENT_LEAD)
    tenant_services.membership_grant(actor=None, organisation=network, user=in_network, roles=[Role.PREVENT_LEAD])
    not_in_network = member(org_a, Role.PREVENT_LEAD)
    meeting = schedule(network, coordinator)

    with tenant_context(network):
        networks.paper_circulate(actor=coordinator, network=network, meeting=meeting, title="Update", text="Dates.")

    (note,) = inbox(network, in_network, Kind.PAPERS_OUT)
    assert note.url == f"/network/meetings/{meeting.pk}/" and "Northern HE Network" in note.text
    assert (
        inbox(org_a, in_network) == [] and inbox(org_a, not_in_network) == [] and inbox(network, not_in_network) == []
    )
    with schema_context(org_b.schema_name):
        assert not Notification.objects.exists()
