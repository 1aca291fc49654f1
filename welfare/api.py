"""API for welfare concerns and cases on an organisation's host (/api/v1/welfare/).

Each endpoint parses input, calls one service or selector and serialises the result. A case the
caller may not see is 404, like a missing one, and the refusal is audited. Reading a case needs a
reason the first time in a session: POST {"reason": ...} to the case; a GET before that is a 400
naming `reason`. (A token client has no session, so it gives its reason with every read.)
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit_trail import audit_list_read
from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from tenants.scopes import Scope
from welfare import rights, selectors, services
from welfare import serializers as s
from welfare.models import Case
from welfare.selectors import SESSION_OPENED_CASES
from welfare.services import ConcernInput, EscalationInput

REASON_FIRST = 'Say why you are opening this case: POST it to this address as {"reason": "..."} first.'


def _valid(serializer_class: type[drf.Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ConcernListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.WELFARE_RAISE], "POST": [Scope.WELFARE_RAISE]}

    @extend_schema(responses=s.OwnConcernSerializer(many=True), summary="Concerns you raised, with their status")
    def get(self, request: Request) -> Response:
        rows = selectors.concerns_raised_by(membership=request.membership)
        return page_response(request, self, rows, s.OwnConcernSerializer)

    @extend_schema(request=s.ConcernInputSerializer, responses={201: s.OwnConcernSerializer},
                   summary="Raise a welfare concern")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = ConcernInput(**_valid(s.ConcernInputSerializer, request))
        concern = _call(services.concern_raise, actor=request.user, data=data)
        return Response(s.OwnConcernSerializer(concern).data, status=201)


class TriageQueueView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.WELFARE_TRIAGE]}

    @extend_schema(responses=s.ConcernSerializer(many=True), summary="Concerns waiting for triage")
    def get(self, request: Request) -> Response:
        response = page_response(request, self, selectors.triage_queue(membership=request.membership),
                                 s.ConcernSerializer)  # fmt: skip
        # One audited read for the page of concerns sent, naming their ids.
        audit_list_read(action="concern.list_read", actor=request.user, organisation_id=request.tenant.pk,
                        target_type="welfare.concern", ids=[c["id"] for c in response.data["results"]],
                        reason="triage_queue")  # fmt: skip
        return response


class TriageView(APIView):
    required_scopes = {"POST": [Scope.WELFARE_TRIAGE]}

    @extend_schema(request=s.TriageSerializer, responses=s.ConcernSerializer, summary="Triage a concern")
    def post(self, request: Request, concern_id: int) -> Response:
        concern = selectors.concern_get(membership=request.membership, pk=concern_id)
        data = _valid(s.TriageSerializer, request)
        case = Case.objects.filter(pk=data["case"]).first() if data["case"] else None
        _call(services.concern_triage, actor=request.user, concern=concern, outcome=data["outcome"],
              note=data["note"], case=case)  # fmt: skip
        return Response(s.ConcernSerializer(concern).data)


class CaseListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": rights.SEES_CASES}

    @extend_schema(responses=s.CaseSummarySerializer(many=True), summary="Cases you may see (no names)")
    def get(self, request: Request) -> Response:
        rows = selectors.case_list(membership=request.membership, status=request.query_params.get("status", ""))
        return page_response(request, self, rows, s.CaseSummarySerializer)


def _opened_case(request: Request, case_id: int) -> Case:
    """The case (404, audited, if the caller may not see it), once opened with a reason in this session;
    a 400 naming `reason` before that, for writes as for reads."""
    case = selectors.case_get(membership=request.membership, pk=case_id)
    if not selectors.case_opened_in_session(request.session, case):
        raise drf.ValidationError({"reason": [REASON_FIRST]})
    return case


def _case_body(request: Request, case: Case) -> Response:
    services.case_view_record(actor=request.user, case=case, via_api=True)
    return Response(s.CaseSerializer(case).data)


class CaseDetailView(APIView):
    required_scopes = {"GET": rights.SEES_CASES, "POST": rights.SEES_CASES}

    @extend_schema(responses=s.CaseSerializer, summary="One case, once opened with a reason in this session")
    def get(self, request: Request, case_id: int) -> Response:
        return _case_body(request, _opened_case(request, case_id))

    @extend_schema(request=s.OpenSerializer, responses=s.CaseSerializer,
                   summary="Open a case, giving the reason (recorded, audited and shown on the case)")  # fmt: skip
    def post(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get(membership=request.membership, pk=case_id)
        reason = _valid(s.OpenSerializer, request)["reason"]
        _call(services.case_open_record, actor=request.user, case=case, reason=reason, via_api=True)
        opened = list(request.session.get(SESSION_OPENED_CASES, []))
        if case.pk not in opened:
            request.session[SESSION_OPENED_CASES] = [*opened, case.pk]
        return _case_body(request, case)


class CaseEntryView(APIView):
    required_scopes = {"POST": rights.SEES_CASES}

    @extend_schema(request=s.EntryInputSerializer, responses={201: s.EntrySerializer},
                   summary="Add to a case's chronology")  # fmt: skip
    def post(self, request: Request, case_id: int) -> Response:
        case = _opened_case(request, case_id)
        entry = _call(services.case_entry_add, actor=request.user, case=case, **_valid(s.EntryInputSerializer, request))
        return Response(s.EntrySerializer(entry).data, status=201)


class EscalationView(APIView):
    required_scopes = {"GET": [Scope.WELFARE_ESCALATE], "POST": [Scope.WELFARE_ESCALATE]}

    @extend_schema(responses=s.CaseSummarySerializer, summary="A case's Prevent stages, outcome and category")
    def get(self, request: Request, case_id: int) -> Response:
        case = selectors.case_get(membership=request.membership, pk=case_id)
        services.case_view_record(actor=request.user, case=case, via_api=True)
        return Response(s.CaseSummarySerializer(case).data)

    @extend_schema(request=s.EscalationSerializer, responses=s.CaseSummarySerializer,
                   summary="Record stages (in order, dated), the outcome and the ideology category")  # fmt: skip
    def post(self, request: Request, case_id: int) -> Response:
        case = _opened_case(request, case_id)
        given = _valid(s.EscalationSerializer, request)
        current = {name: getattr(case, name) for name in EscalationInput.__dataclass_fields__}
        merged = {**current, **{k: ("" if v is None and not k.endswith("_on") else v) for k, v in given.items()}}
        _call(services.case_escalation_record, actor=request.user, case=case, data=EscalationInput(**merged))
        return Response(s.CaseSummarySerializer(case).data)
