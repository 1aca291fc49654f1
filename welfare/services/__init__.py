"""Writes for welfare concerns and cases. Each service checks rights, validates everything before it
writes, and records its audit event (ids and codes only, never names or concern text) in the same
transaction, so a refusal or a validation error leaves nothing behind."""

from welfare.services.cases import (
    case_action_add,
    case_action_set_done,
    case_close,
    case_entry_add,
    case_open_record,
    case_team_add,
    case_team_remove,
    case_view_record,
)
from welfare.services.concerns import ConcernInput, concern_raise, concern_triage
from welfare.services.escalation import EscalationInput, case_escalation_record, case_referral_form_export
from welfare.services.meetings import meeting_action_agree, meeting_agenda_add, meeting_create
from welfare.services.settings import welfare_settings_update

__all__ = [
    "ConcernInput",
    "EscalationInput",
    "case_action_add",
    "case_action_set_done",
    "case_close",
    "case_entry_add",
    "case_escalation_record",
    "case_open_record",
    "case_view_record",
    "case_referral_form_export",
    "case_team_add",
    "case_team_remove",
    "concern_raise",
    "concern_triage",
    "meeting_action_agree",
    "meeting_agenda_add",
    "meeting_create",
    "welfare_settings_update",
]
