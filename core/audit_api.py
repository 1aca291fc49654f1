"""The audit trail for programs: GET /api/v1/audit/events/ on an organisation's host.

Read-only (GET only: any other method is 405 or 403, and writes nothing); needs
`Scope.AUDIT_READ` (the auditor's or data protection officer's session or API token). Lists this
organisation's events newest first, paged (`hub.api_pagination`), filtered by the same query
parameters as the /audit/ page (`core.audit_trail.AuditFilterForm`); an invalid filter is a 400
naming it.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import audit_trail
from core.models import AuditEvent
from hub.api_errors import bad_request
from hub.api_pagination import HubPagination, page_response
from tenants.scopes import Scope


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = ["id", "occurred_at", "actor_id", "actor_label", "action", "target_type", "target_id", "detail"]
        read_only_fields = fields


FILTER_PARAMETERS = [
    OpenApiParameter("action", str, description="One action code, exactly (e.g. case.read)."),
    OpenApiParameter("person", str, description="Part of the actor's email address (any case); 'system'."),
    OpenApiParameter("date_from", str, description="First London day, YYYY-MM-DD (inclusive)."),
    OpenApiParameter("date_to", str, description="Last London day, YYYY-MM-DD (inclusive)."),
    OpenApiParameter("target_type", str, description="Record type, exactly (e.g. welfare.case)."),
    OpenApiParameter("target_id", str, description="Record id, exactly."),
]


class AuditEventListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.AUDIT_READ]}

    @extend_schema(parameters=FILTER_PARAMETERS, responses=AuditEventSerializer(many=True),
                   summary="This organisation's audit events, newest first (paged, filtered; read-only)")  # fmt: skip
    def get(self, request: Request) -> Response:
        organisation_id = request.tenant.pk
        form = audit_trail.filter_form(request.query_params.dict(), organisation_id)
        if form.is_bound and not form.is_valid():
            raise bad_request({name: list(errors) for name, errors in form.errors.items()})
        events = audit_trail.filtered(audit_trail.events_of(organisation_id), form)
        return page_response(request, self, events, AuditEventSerializer)
