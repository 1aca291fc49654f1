"""API for speaker and event requests on an organisation's host (/api/v1/speakers/).

Each endpoint parses input, calls one service or selector and serialises the result.
A request the caller may not see is 404, like a missing one; an action without the
role is 403 and records nothing; invalid input is 400 with messages keyed by field.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.audit_trail import audit_read
from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from hub.input_guard import StorableMultiPartParser
from speakers import rights, selectors, services
from speakers import serializers as s
from speakers.models import RequestMitigation
from speakers.services import (
    AssessmentInput,
    DecisionInput,
    EventDetails,
    ProposedMitigation,
    RiskFactorInput,
    SpeakerDetails,
)
from tenants.models import User
from tenants.scopes import Scope


def _valid(serializer_class: type[drf.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _detail(request: Request, pk: int) -> Response:
    return Response(s.EventRequestSerializer(selectors.event_request_get(membership=request.membership, pk=pk)).data)


def _query(serializer_class: type[drf.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RequestListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": rights.SEES_REQUESTS, "POST": [Scope.SPEAKERS_SUBMIT]}

    @extend_schema(parameters=[s.RegisterQuerySerializer], responses=s.EventRequestSerializer(many=True),
                   summary="Requests you may see (paged)")  # fmt: skip
    def get(self, request: Request) -> Response:
        query = _query(s.RegisterQuerySerializer, request)
        sort = query.pop("sort")  # most urgent first by default (see selectors.register_order)
        rows = selectors.register_requests(membership=request.membership, filters=selectors.RegisterFilter(**query),
                                           sort=sort)  # fmt: skip
        return page_response(request, self, rows.prefetch_related("mitigations"), s.EventRequestSerializer)

    @extend_schema(request=s.SubmitSerializer, responses={201: s.EventRequestSerializer},
                   summary="Submit or save a draft")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.SubmitSerializer, request)
        speakers = [SpeakerDetails(**row) for row in data.pop("speakers")]
        draft, reason = data.pop("draft"), data.pop("short_notice_reason")
        details = EventDetails(**data)
        if draft:
            created = _call(services.event_request_save_draft, actor=request.user, details=details, speakers=speakers)
        else:
            created = _call(services.event_request_submit, actor=request.user, details=details, speakers=speakers,
                            short_notice_reason=reason)  # fmt: skip
        response = _detail(request, created.pk)
        response.status_code = 201
        return response


class RequestDetailView(APIView):
    required_scopes = {"GET": rights.SEES_REQUESTS}

    @extend_schema(responses=s.EventRequestSerializer, summary="One request")
    def get(self, request: Request, pk: int) -> Response:
        event_request = selectors.event_request_get(membership=request.membership, pk=pk)
        audit_read(action="speaker_request.read", actor=request.user, organisation_id=request.tenant.pk,
                   target=event_request, reason="api")  # fmt: skip
        return Response(s.EventRequestSerializer(event_request).data)


class AssessView(APIView):
    required_scopes = {"POST": [Scope.SPEAKERS_REVIEW]}

    @extend_schema(request=s.AssessSerializer, responses=s.EventRequestSerializer, summary="Record the assessment")
    def post(self, request: Request, pk: int) -> Response:
        event_request = selectors.event_request_get(membership=request.membership, pk=pk)
        data = _valid(s.AssessSerializer, request)
        data["factors"] = [RiskFactorInput(**f) for f in data["factors"]]
        data["mitigations"] = [ProposedMitigation(**m) for m in data["mitigations"]]
        _call(services.event_request_assess, actor=request.user, event_request=event_request,
              data=AssessmentInput(**data))  # fmt: skip
        return _detail(request, pk)


class EscalateView(APIView):
    required_scopes = {"POST": [Scope.SPEAKERS_REVIEW]}
    service = staticmethod(services.event_request_escalate)

    @extend_schema(request=s.EscalateSerializer, responses=s.EventRequestSerializer, summary="Escalate")
    def post(self, request: Request, pk: int) -> Response:
        event_request = selectors.event_request_get(membership=request.membership, pk=pk)
        data = _valid(s.EscalateSerializer, request)
        person = User.objects.filter(pk=data["decision_maker_id"]).first()
        if person is None:
            raise drf.ValidationError({"decision_maker_id": "No such person."})
        _call(self.service, actor=request.user, event_request=event_request,
              decision_maker=person, note=data["note"])  # fmt: skip
        return _detail(request, pk)


class ReescalateView(EscalateView):
    """A reviewer re-escalates a request whose decision-maker no longer holds the role or has left."""

    service = staticmethod(services.event_request_reescalate)

    @extend_schema(request=s.EscalateSerializer, responses=s.EventRequestSerializer,
                   summary="Re-escalate a request whose senior decision-maker lost the role or left")  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class DecideView(APIView):
    required_scopes = {"POST": rights.DECIDERS}

    @extend_schema(request=s.DecideSerializer, responses=s.EventRequestSerializer,
                   summary="Decide: a reviewer, or the named senior decision-maker if escalated")  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        event_request = selectors.event_request_get(membership=request.membership, pk=pk)
        data = DecisionInput(**_valid(s.DecideSerializer, request))
        _call(services.event_request_decide, actor=request.user, event_request=event_request, data=data)
        return _detail(request, pk)


class WithdrawView(APIView):
    required_scopes = {"POST": rights.OWNER_OR_REVIEWER}

    @extend_schema(request=s.WithdrawSerializer, responses=s.EventRequestSerializer, summary="Withdraw")
    def post(self, request: Request, pk: int) -> Response:
        event_request = selectors.event_request_get(membership=request.membership, pk=pk)
        _call(services.event_request_withdraw, actor=request.user, event_request=event_request,
              **_valid(s.WithdrawSerializer, request))  # fmt: skip
        return _detail(request, pk)


class MitigationProgressView(APIView):
    required_scopes = {"POST": rights.OWNER_OR_REVIEWER}

    @extend_schema(request=s.ProgressSerializer, responses=s.MitigationSerializer, summary="Track a mitigation")
    def post(self, request: Request, pk: int, mitigation_id: int) -> Response:
        event_request = selectors.event_request_get(membership=request.membership, pk=pk)
        item = get_object_or_404(RequestMitigation, pk=mitigation_id, request=event_request)
        updated = _call(services.request_mitigation_progress, actor=request.user, request_mitigation=item,
                        **_valid(s.ProgressSerializer, request))  # fmt: skip
        return Response(s.MitigationSerializer(updated).data)


class CountsView(APIView):
    required_scopes = {"GET": rights.SEES_REQUESTS}

    @extend_schema(parameters=[s.PeriodSerializer], responses=s.CountsSerializer,
                   summary="Decisions by outcome in a period (?from=YYYY-MM-DD&to=YYYY-MM-DD)")  # fmt: skip
    def get(self, request: Request) -> Response:
        period = _query(s.PeriodSerializer, request)
        counts = selectors.register_counts(membership=request.membership, date_from=period["from"],
                                           date_to=period["to"])  # fmt: skip
        return Response(s.CountsSerializer({**period, "counts": counts}).data)


CSV_FILE = {"type": "string", "format": "binary"}


MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file in a multipart body


class ImportTooLarge(APIException):
    status_code = 413
    default_detail = "The file is too large to import."


class ImportView(APIView):
    """Import a CSV file of decided requests (multipart field `file`; layout in speakers/csv_format.py).
    All rows or none: 201 with the new ids, or 400 listing the problems by row and column under
    `errors.file` ("Row 2, venue: …"; the first 100, then "… and N more"), in the API's one error
    shape. A file over 5 MB is a 413 naming `file`, refused before it is read; over 5,000 rows a 400."""

    required_scopes = {"POST": [Scope.SPEAKERS_CONFIGURE]}
    parser_classes = [StorableMultiPartParser]  # the API's default parser takes JSON only

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses=dict,
        summary="Import historical requests from CSV (all rows or none)",
    )
    def post(self, request: Request) -> Response:
        # Refuse an oversized body from its declared length, before the upload is parsed at all.
        declared = request.META.get("CONTENT_LENGTH") or "0"
        too_big = services.import_size_problem(int(declared) - MULTIPART_OVERHEAD) if declared.isdigit() else None
        upload = None if too_big else request.FILES.get("file")
        if upload is not None:
            too_big = services.import_size_problem(upload.size)
        if too_big:
            raise ImportTooLarge({"file": [too_big]})
        if upload is None:
            raise drf.ValidationError({"file": "Attach the CSV file as the multipart field 'file'."})
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise drf.ValidationError({"file": "Save the spreadsheet as 'CSV UTF-8' and try again."}) from exc
        try:
            result = services.event_requests_import(actor=request.user, csv_text=text)
        except services.ImportRejected as rejected:
            raise drf.ValidationError({"file": rejected.lines()}) from rejected
        return Response({"imported": result.imported, "request_ids": list(result.request_ids)}, status=201)
