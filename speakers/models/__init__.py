"""Speaker and event requests: working records in each organisation's own schema.

People (`tenants.User`) live in the public schema; foreign keys to them use DO_NOTHING so
deleting a person from the public schema never tries to cascade into a tenant schema it
cannot see, and the database constraint keeps the record of who decided. People are
deactivated, not deleted.
"""

from speakers.models.procedure import Mitigation, ProcedureConfig
from speakers.models.requests import EventRequest, Speaker
from speakers.models.review import Assessment, Decision, RequestMitigation, RiskFactor

__all__ = [
    "Assessment",
    "Decision",
    "EventRequest",
    "Mitigation",
    "ProcedureConfig",
    "RequestMitigation",
    "RiskFactor",
    "Speaker",
]
