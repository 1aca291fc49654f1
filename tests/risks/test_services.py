"""Risks and actions: owners required, scores bounded, every change kept with who, when, what and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from core.audit import AuditEvent
from risks import services
from risks.models import Risk, RiskAction, RiskChange
from tests.risks.conftest import TODAY, action_input, risk_input


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_a_new_risk_starts_its_history_and_is_audited_without_its_text(org_a, lead, add_risk):
    risk = add_risk(title="Welfare concern not passed on", likelihood=3, impact=4)

    with tenant_context(org_a):
        (created,) = RiskChange.objects.filter(risk=risk)
        assert created.created and created.changed_by == lead and created.reason == "Added to the register."
        assert {f["field"]: f["after"] for f in created.fields}["likelihood"] == "3"
        assert risk.score == 12 and risk.rating == "high"
    event = AuditEvent.objects.filter(action="risks.risk_create").latest("pk")
    assert event.organisation_id == org_a.pk
    assert "Welfare" not in str(event.detail)


def test_a_change_keeps_each_field_before_and_after_who_and_why(org_a, lead, member, add_risk):
    risk = add_risk(likelihood=2, impact=4)
    deputy = member(org_a, "safeguarding_officer", full_name="Tomás Ó Briain")

    with tenant_context(org_a):
        change = services.risk_update(
            actor=lead,
            organisation=org_a,
            risk=risk,
            data=risk_input(deputy, likelihood=4, impact=4),
            reason="Two events this term bypassed the procedure.",
        )
        fields = {f["field"]: (f["before"], f["after"]) for f in change.fields}
        assert fields == {"likelihood": ("2", "4"), "owner": (lead.full_name, "Tomás Ó Briain")}
        assert change.changed_by == lead and change.reason == "Two events this term bypassed the procedure."
        risk.refresh_from_db()
        assert (risk.likelihood, risk.owner, risk.rating) == (4, deputy, "very_high")
        assert RiskChange.objects.filter(risk=risk).count() == 2


def test_a_change_without_a_reason_is_refused_and_nothing_changes(org_a, lead, add_risk):
    risk = add_risk(likelihood=2)

    with tenant_context(org_a), pytest.raises(ValidationError) as excinfo:
        services.risk_update(actor=lead, organisation=org_a, risk=risk, data=risk_input(lead, likelihood=5), reason=" ")

    assert "reason" in _errors(excinfo)
    with tenant_context(org_a):
        assert Risk.objects.get(pk=risk.pk).likelihood == 2
        assert RiskChange.objects.filter(risk=risk).count() == 1


def test_saving_without_a_change_adds_nothing_to_the_history(org_a, lead, add_risk):
    risk = add_risk()
    with tenant_context(org_a):
        assert services.risk_update(actor=lead, organisation=org_a, risk=risk, data=risk_input(lead), reason="") is None
        assert RiskChange.objects.filter(risk=risk).count() == 1


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"owner": None}, "owner"),
        ({"title": "\u200b \u00a0"}, "title"),  # only invisible and no-break spaces
        ({"title": "x" * 201}, "title"),
        ({"likelihood": 0}, "likelihood"),
        ({"impact": 6}, "impact"),
        ({"likelihood": True}, "likelihood"),
        ({"category": "banned_list"}, "category"),
        ({"review_on": None}, "review_on"),
        ({"review_on": TODAY - timedelta(days=1)}, "review_on"),
        ({"status": "deleted"}, "status"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(org_a, lead, overrides, field):
    with tenant_context(org_a), pytest.raises(ValidationError) as excinfo:
        services.risk_create(actor=lead, organisation=org_a, data=risk_input(**{"owner": lead, **overrides}))

    assert field in _errors(excinfo)
    with tenant_context(org_a):
        assert not Risk.objects.exists() and not RiskChange.objects.exists()


def test_an_owner_from_another_organisation_is_refused(org_a, org_b, lead, member):
    stranger = member(org_b, "prevent_lead")
    with tenant_context(org_a), pytest.raises(ValidationError) as excinfo:
        services.risk_create(actor=lead, organisation=org_a, data=risk_input(stranger))
    assert "member of this organisation" in _errors(excinfo)["owner"][0]


def test_pasted_text_loses_invisible_characters_and_keeps_letter_variants(org_a, add_risk):
    risk = add_risk(title="\ufeffŁódź\u00a0partner\u200b visit — İstanbul", existing_controls="  ı é ł ")
    assert risk.title == "Łódź partner visit — İstanbul"
    assert risk.existing_controls == "ı é ł"


def test_an_action_needs_an_owner_and_a_due_date(org_a, lead):
    with tenant_context(org_a), pytest.raises(ValidationError) as excinfo:
        services.action_create(
            actor=lead, organisation=org_a, data=services.ActionInput(title="Brief staff", owner=None, due_on=None)
        )
    errors = _errors(excinfo)
    assert "Choose an owner" in errors["owner"][0]
    assert "due_on" in errors
    with tenant_context(org_a):
        assert not RiskAction.objects.exists()


def test_a_new_action_due_in_the_past_is_refused_unless_recorded_as_agreed_earlier_or_done(org_a, lead, add_action):
    yesterday = TODAY - timedelta(days=1)
    with tenant_context(org_a), pytest.raises(ValidationError) as excinfo:
        services.action_create(actor=lead, organisation=org_a, data=action_input(lead, due_on=yesterday))
    assert "cannot be due in the past" in _errors(excinfo)["due_on"][0]

    agreed = add_action(due_on=yesterday, past=True)
    done = add_action(due_on=yesterday, status="done")
    assert agreed.is_overdue(TODAY) and not done.is_overdue(TODAY)
    assert done.completed_on == TODAY
    assert add_action(due_on=TODAY).is_overdue(TODAY) is False  # due today is not yet overdue


def test_an_action_due_date_cannot_be_moved_into_the_past(org_a, lead, add_action):
    action = add_action()
    with tenant_context(org_a), pytest.raises(ValidationError) as excinfo:
        services.action_update(
            actor=lead, organisation=org_a, action=action, data=action_input(lead, due_on=TODAY - timedelta(days=2))
        )
    assert "due_on" in _errors(excinfo)


def test_marking_an_action_done_records_when_and_reopening_clears_it(org_a, lead, add_action, add_risk):
    risk = add_risk()
    action = add_action(risk=risk)
    with tenant_context(org_a):
        done = services.action_update(
            actor=lead, organisation=org_a, action=action, data=action_input(lead, due_on=action.due_on, status="done")
        )
        assert done.completed_on == TODAY and done.risk is None  # the input said standalone
        reopened = services.action_update(
            actor=lead, organisation=org_a, action=done, data=action_input(lead, due_on=action.due_on, risk=risk)
        )
        assert reopened.completed_on is None and reopened.risk == risk


def test_the_services_ask_the_scope_again(org_a, member, lead, add_risk):
    from django.core.exceptions import PermissionDenied

    auditor = member(org_a, "auditor")
    risk = add_risk()
    with tenant_context(org_a):
        with pytest.raises(PermissionDenied):
            services.risk_create(actor=auditor, organisation=org_a, data=risk_input(lead))
        with pytest.raises(PermissionDenied):
            services.risk_update(actor=auditor, organisation=org_a, risk=risk, data=risk_input(lead, impact=1),
                                 reason="x")  # fmt: skip
        with pytest.raises(PermissionDenied):
            services.action_create(actor=auditor, organisation=org_a, data=action_input(lead))
        assert Risk.objects.count() == 1 and not RiskAction.objects.exists()
