"""The daily sweeps: what fell due reaches the person who must act, once, however often the sweep runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django_tenants.utils import tenant_context

from agreements import notices as agreement_notices
from agreements import services as agreements
from agreements.models import Agreement
from core.dates import today
from networks import notices as network_notices
from notifications import tasks
from notifications.kinds import Kind
from partners import notices as partner_notices
from partners import selectors as partner_selectors
from risks import notices as risk_notices
from risks import services as risks
from tenants import services as tenant_services
from tenants.models import Role
from tests.agreements.conftest import Drafting
from tests.networks.conftest import record_action, schedule
from tests.notifications.helpers import everyone, inbox
from tests.partners.conftest import LAST_TERM, w  # noqa: F401 (fixture)
from tests.partners.test_assurance import EARLIER_TERM, _franchise_since_before_the_earlier_term
from tests.risks.conftest import action_input
from tests.welfare.conftest import open_case
from welfare import notices as welfare_notices
from welfare import services as welfare

TODAY = today()


def twice(sweep, organisation):
    """Run a sweep two times in the organisation's schema, as the worker would on two runs the same day."""
    with tenant_context(organisation):
        return sweep(organisation), sweep(organisation)


@pytest.fixture
def drafting(member) -> Drafting:
    return Drafting(member)


def test_every_sweep_is_registered_for_the_worker():
    names = {f"{s.__module__}.{s.__name__}" for s in tasks.SWEEPS}

    assert names >= {
        "agreements.notices.sweep_review_due",
        "agreements.notices.sweep_ended",
        "partners.notices.sweep_overdue",
        "networks.notices.sweep_actions_due",
        "risks.notices.sweep_actions_due",
        "welfare.notices.sweep_actions_due",
    }


# --- Agreements -------------------------------------------------------------------------------


def test_an_agreement_due_for_review_reaches_each_partys_drafters_once(drafting, org_a, org_b, member):
    agreement = drafting.active([org_a, org_b], review_date=TODAY + dt.timedelta(days=20))
    drafting.active([org_a, org_b], review_date=TODAY + dt.timedelta(days=300))  # not due yet
    auditor = member(org_a, Role.AUDITOR)

    first, second = twice(agreement_notices.sweep_review_due, org_a)

    assert (first, second) == (2, 0)
    drafters = {drafting.lead(org_a).pk, drafting.signatory(org_a).pk}
    assert everyone(org_a, Kind.AGREEMENT_REVIEW_DUE) == drafters and auditor.pk not in drafters
    (note,) = inbox(org_a, drafting.lead(org_a), Kind.AGREEMENT_REVIEW_DUE)
    assert note.url == f"/agreements/{agreement.pk}/" and f"ISA-{agreement.pk}" in note.text
    assert everyone(org_b, Kind.AGREEMENT_REVIEW_DUE) == set()  # org_b's own sweep tells org_b
    assert twice(agreement_notices.sweep_review_due, org_b) == (2, 0)


def test_an_expired_agreement_is_announced_to_every_party_once_and_an_old_one_not_at_all(drafting, org_a, org_b):
    recent = drafting.expired([org_a, org_b], days_ago=3)
    drafting.expired([org_a, org_b], days_ago=90)

    assert twice(agreement_notices.sweep_ended, org_a) == (2, 0)
    (note,) = inbox(org_a, drafting.lead(org_a), Kind.AGREEMENT_CHANGED)
    assert f"ISA-{recent.pk} expired" in note.text


def test_notice_running_out_is_announced_to_the_other_party_not_the_one_that_gave_it(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    agreements.agreement_terminate(
        actor=drafting.signatory(org_b), organisation=org_b, agreement=agreement, reason="Closing", notice_days=10
    )
    Agreement.objects.filter(pk=agreement.pk).update(terminates_at=F("terminates_at") - dt.timedelta(days=11))

    assert twice(agreement_notices.sweep_ended, org_a) == (2, 0)
    assert twice(agreement_notices.sweep_ended, org_b) == (0, 0)
    texts = [n.text for n in inbox(org_a, drafting.lead(org_a), Kind.AGREEMENT_CHANGED)]
    assert texts[0].startswith("Brackenford University gave notice") and "has ended" in texts[1]


# --- Partner reports --------------------------------------------------------------------------------


def _overdue_on_the_assurance_page(w):  # noqa: F811
    with tenant_context(w.university):
        (block,) = partner_selectors.assurance(w.university, w.uni_lead)
    return block.overdue


def test_an_overdue_report_reaches_the_universitys_overseers_and_the_partners_reporters_once(w, org_b, member):  # noqa: F811
    _franchise_since_before_the_earlier_term(w)
    w.file(LAST_TERM)  # the earlier term's report was never sent
    organiser, elsewhere = member(w.university, Role.ORGANISER), member(org_b, Role.PREVENT_LEAD)
    overdue = _overdue_on_the_assurance_page(w)
    assert EARLIER_TERM in overdue and LAST_TERM not in overdue

    # The same terms as the assurance page shows, to each overseer, once per term.
    assert twice(partner_notices.sweep_overdue, w.university) == (2 * len(overdue), 0)
    assert everyone(w.university, Kind.PARTNER_REPORT_OVERDUE) == {w.uni_lead.pk, w.uni_dpo.pk}
    texts = [n.text for n in inbox(w.university, w.uni_lead, Kind.PARTNER_REPORT_OVERDUE)]
    assert f"Alderley Partner College's report for {EARLIER_TERM.label} is overdue" in " / ".join(texts)
    assert not any(LAST_TERM.label in t for t in texts)
    assert {n.url for n in inbox(w.university, w.uni_lead, Kind.PARTNER_REPORT_OVERDUE)} == {"/partners/"}
    assert organiser.pk not in everyone(w.university, Kind.PARTNER_REPORT_OVERDUE)

    # The partner's own people who assemble the report hear it too, in the partner's organisation.
    assert twice(partner_notices.sweep_overdue, w.partner) == (2 * len(overdue), 0)
    assert everyone(w.partner, Kind.PARTNER_REPORT_OVERDUE) == {w.lead.pk, w.officer.pk}
    assert inbox(org_b, elsewhere) == []


def test_a_term_whose_report_was_sent_is_not_announced(w):  # noqa: F811
    _franchise_since_before_the_earlier_term(w)
    w.file(LAST_TERM)
    w.file(EARLIER_TERM)
    overdue = _overdue_on_the_assurance_page(w)

    assert twice(partner_notices.sweep_overdue, w.university) == (2 * len(overdue), 0)
    texts = [n.text for n in inbox(w.university, w.uni_lead, Kind.PARTNER_REPORT_OVERDUE)]
    assert not any(EARLIER_TERM.label in t or LAST_TERM.label in t for t in texts)


# --- Actions ------------------------------------------------------------------------------------------


def test_a_network_action_due_reaches_the_owner_organisations_people_in_the_network_once(network, org_a, org_b, member):
    coordinator = member(network, Role.COORDINATOR)
    ours, theirs = member(org_a, Role.PREVENT_LEAD), member(org_b, Role.PREVENT_LEAD)
    for person in (ours, theirs):
        tenant_services.membership_grant(actor=None, organisation=network, user=person, roles=[Role.PREVENT_LEAD])
    meeting = schedule(network, coordinator, days=-3)
    record_action(network, coordinator, meeting, org_a, due_on=TODAY)
    record_action(network, coordinator, meeting, org_b, due_on=TODAY + dt.timedelta(days=5))  # not due yet

    assert twice(network_notices.sweep_actions_due, network) == (1, 0)
    (note,) = inbox(network, ours, Kind.ACTION_DUE)
    assert note.url == "/network/actions/" and "Alderley University" in note.text and "due today" in note.text
    assert "speaker decision template" not in note.text  # the action's own words stay on the page
    assert inbox(network, theirs) == [] and inbox(network, coordinator, Kind.ACTION_DUE) == []
    assert inbox(org_a, ours) == []


def test_a_risk_action_due_or_overdue_reaches_its_owner_once(org_a, org_b, member):
    owner, colleague = member(org_a, Role.PREVENT_LEAD), member(org_a, Role.PREVENT_LEAD)
    with tenant_context(org_a):
        risks.action_create(actor=owner, organisation=org_a, data=action_input(owner, TODAY))
        late = risks.action_create(actor=owner, organisation=org_a, data=action_input(owner, TODAY))
        late.due_on = TODAY - dt.timedelta(days=4)
        late.save(update_fields=["due_on"])  # time passed
        risks.action_create(actor=owner, organisation=org_a, data=action_input(colleague, TODAY + dt.timedelta(days=1)))

    assert twice(risk_notices.sweep_actions_due, org_a) == (2, 0)
    texts = sorted(n.text for n in inbox(org_a, owner, Kind.ACTION_DUE))
    assert any("is due today" in t for t in texts) and any("was due on" in t for t in texts)
    assert inbox(org_a, colleague) == [] and everyone(org_b, Kind.ACTION_DUE) == set()


def test_a_welfare_case_action_due_reaches_its_owner_once(org_a, member):
    officer, colleague, raiser = (member(org_a, r) for r in (Role.SAFEGUARDING_OFFICER,) * 2 + (Role.ORGANISER,))
    case = open_case(org_a, officer, raiser=raiser)
    with tenant_context(org_a):
        welfare.case_action_add(actor=officer, case=case, description="Call the student's tutor", owner=officer,
                                due_on=TODAY)  # fmt: skip

    assert twice(welfare_notices.sweep_actions_due, org_a) == (1, 0)
    (note,) = inbox(org_a, officer, Kind.ACTION_DUE)
    assert note.url == f"/welfare/cases/{case.pk}/" and "tutor" not in note.text
    assert inbox(org_a, colleague, Kind.ACTION_DUE) == []


# --- By hand --------------------------------------------------------------------------------------------


def test_the_sweep_and_digest_commands_run_by_hand_and_print_counts(network, org_a, member):
    coordinator = member(network, Role.COORDINATOR)
    person = member(org_a, Role.PREVENT_LEAD)
    tenant_services.membership_grant(actor=None, organisation=network, user=person, roles=[Role.PREVENT_LEAD])
    record_action(network, coordinator, schedule(network, coordinator, days=-3), org_a, due_on=TODAY)

    first, second, everywhere = StringIO(), StringIO(), StringIO()
    call_command("notifications_sweep", "--schema", network.schema_name, stdout=first)
    call_command("notifications_sweep", "--schema", network.schema_name, stdout=second)
    call_command("notifications_sweep", stdout=everywhere)

    assert f"{network.schema_name}: 1 notified" in first.getvalue()
    assert f"{network.schema_name}: 0 notified" in second.getvalue()
    assert f"{org_a.schema_name}: 0 notified" in everywhere.getvalue()

    digest, again = StringIO(), StringIO()
    call_command("notifications_digest", "--schema", network.schema_name, stdout=digest)
    call_command("notifications_digest", "--schema", network.schema_name, stdout=again)
    assert f"{network.schema_name}: 1 digest(s) sent" in digest.getvalue()  # an action due goes to the digest
    assert f"{network.schema_name}: 0 digest(s) sent" in again.getvalue()


def test_the_workers_daily_task_runs_the_sweeps_in_each_organisations_schema(network, org_a, member):
    coordinator = member(network, Role.COORDINATOR)
    person = member(org_a, Role.PREVENT_LEAD)
    tenant_services.membership_grant(actor=None, organisation=network, user=person, roles=[Role.PREVENT_LEAD])
    record_action(network, coordinator, schedule(network, coordinator, days=-3), org_a, due_on=TODAY)

    tasks.sweep_all.delay()  # eager in the tests: one sweep task per organisation, in its schema
    tasks.sweep_all.delay()

    (note,) = inbox(network, person, Kind.ACTION_DUE)
    assert note.url == "/network/actions/"
