"""Writes for speaker and event requests. Each service checks rights, validates everything
before it writes, and records its audit event in the same transaction, so a refusal or a
validation error leaves nothing behind."""

from speakers.services.audit_sample import audit_sample_run
from speakers.services.csv_export import event_requests_export
from speakers.services.csv_import import ImportRejected, event_requests_import, import_size_problem
from speakers.services.exchange import event_request_share, event_request_share_on_decision
from speakers.services.mitigations import (
    mitigation_create,
    mitigation_update,
    request_mitigation_progress,
)
from speakers.services.procedure import procedure_config_update
from speakers.services.requests import (
    EventDetails,
    SpeakerDetails,
    event_request_save_draft,
    event_request_submit,
    event_request_withdraw,
)
from speakers.services.review import (
    AssessmentInput,
    DecisionInput,
    ProposedMitigation,
    RiskFactorInput,
    event_request_assess,
    event_request_decide,
    event_request_escalate,
    event_request_reescalate,
)

__all__ = [
    "AssessmentInput",
    "DecisionInput",
    "EventDetails",
    "ProposedMitigation",
    "RiskFactorInput",
    "SpeakerDetails",
    "audit_sample_run",
    "event_request_assess",
    "event_request_decide",
    "event_request_share",
    "event_request_share_on_decision",
    "event_request_escalate",
    "event_request_reescalate",
    "event_requests_export",
    "event_requests_import",
    "ImportRejected",
    "import_size_problem",
    "event_request_save_draft",
    "event_request_submit",
    "event_request_withdraw",
    "mitigation_create",
    "mitigation_update",
    "procedure_config_update",
    "request_mitigation_progress",
]
