"""API of the annual Prevent return (/api/v1/return/).

Each endpoint parses input, calls one service or selector and serialises the result. A return that
does not exist is 404; an action without the right is 403 and records nothing; invalid input is 400
naming the field ("year": malformed "2025-26" or out of range).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.xlsx import CONTENT_TYPE
from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from returns import selectors, services
from returns import serializers as s
from returns.models import AnnualReturn
from tenants.scopes import Scope

FILE_FORMATS = ("csv", "xlsx")


def _valid(serializer_class: type[drf.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ReturnListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.RETURN_READ], "POST": [Scope.RETURN_PREPARE]}

    @extend_schema(responses=s.ReturnSerializer(many=True), summary="Every version of every year's return (paged)")
    def get(self, request: Request) -> Response:
        rows = AnnualReturn.objects.select_related("signed_off_by").order_by("-year_start", "-version")
        return page_response(request, self, rows, s.ReturnSerializer)

    @extend_schema(request=s.ReturnAssembleSerializer, responses={201: s.ReturnDetailSerializer},
                   summary="Assemble the year's return (refreshes its draft; after a signed-off version, "
                   "starts the next version)")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.ReturnAssembleSerializer, request)
        draft = _call(services.return_assemble, actor=request.user, organisation=request.tenant, year=data["year"])
        return Response(s.ReturnDetailSerializer(draft, context={"request": request}).data, status=201)


class ReturnDetailView(APIView):
    required_scopes = {"GET": [Scope.RETURN_READ]}

    @extend_schema(responses=s.ReturnDetailSerializer, summary="One version of a return, with its figures")
    def get(self, request: Request, return_id: int) -> Response:
        return Response(s.ReturnDetailSerializer(selectors.return_get(return_id), context={"request": request}).data)


class ReturnSignOffView(APIView):
    required_scopes = {"POST": [Scope.RETURN_SIGN_OFF]}

    @extend_schema(request=s.ReturnSignOffSerializer, responses=s.ReturnDetailSerializer,
                   summary="Sign off a draft (the Prevent lead): it becomes a frozen snapshot")  # fmt: skip
    def post(self, request: Request, return_id: int) -> Response:
        found = selectors.return_get(return_id)
        data = _valid(s.ReturnSignOffSerializer, request)
        signed = _call(services.return_sign_off, actor=request.user, organisation=request.tenant,
                       annual_return=found, gaps_acknowledged=data["gaps_acknowledged"],
                       seen=data.get("seen"))  # fmt: skip
        return Response(s.ReturnDetailSerializer(signed, context={"request": request}).data)


class ReturnExportView(APIView):
    required_scopes = {"GET": [Scope.RETURN_READ]}

    @extend_schema(
        parameters=[OpenApiParameter("file", str, enum=list(FILE_FORMATS), description="csv (default) or xlsx")],
        responses={(200, "text/csv"): OpenApiTypes.STR, (200, CONTENT_TYPE): OpenApiTypes.BINARY},
        summary="The return as CSV or XLSX, the same figures as its page (the download is audited)",
    )
    def get(self, request: Request, return_id: int) -> HttpResponse:
        found = selectors.return_get(return_id)
        chosen = request.query_params.get("file", "csv").strip().lower()
        if chosen not in FILE_FORMATS:
            raise drf.ValidationError({"file": "Choose csv or xlsx, e.g. ?file=xlsx."})
        services.return_exported(actor=request.user, organisation=request.tenant, annual_return=found,
                                 file_format=chosen)  # fmt: skip
        if chosen == "csv":
            response = HttpResponse(selectors.as_csv(found).encode("utf-8"), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(selectors.as_xlsx(found), content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{selectors.export_name(found, chosen)}"'
        return response
