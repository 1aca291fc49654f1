"""API of training records (/api/v1/training/): courses, the staff list, completions, coverage,
and the import of a learning system's export.

Each endpoint parses input, calls one service or selector and serialises the result. Reading needs
TRAINING_READ, writing TRAINING_MANAGE (403 and nothing written otherwise); invalid input is 400 in
the one error shape, naming the field (`completed_on`, `person`, `csv`…).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import today
from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from tenants.scopes import Scope
from training import selectors, services
from training import serializers as s
from training.csv_import import ImportRejected, completions_import
from training.models import Completion, Course, Source, StaffMember

READ, MANAGE = [Scope.TRAINING_READ], [Scope.TRAINING_MANAGE]


def _valid(serializer_class: type[drf.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CourseListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": READ, "POST": MANAGE}

    @extend_schema(responses=s.CourseSerializer(many=True), summary="Our courses and who must take each (paged)")
    def get(self, request: Request) -> Response:
        return page_response(request, self, Course.objects.prefetch_related("requirements"), s.CourseSerializer)

    @extend_schema(request=s.CourseInSerializer, responses={201: s.CourseSerializer}, summary="Add a course")
    def post(self, request: Request) -> Response:
        data = _valid(s.CourseInSerializer, request.data)
        course = _call(services.course_create, actor=request.user, organisation=request.tenant, **data)
        return Response(s.CourseSerializer(course).data, status=201)


class StaffListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": READ, "POST": MANAGE}

    @extend_schema(responses=s.StaffSerializer(many=True), summary="The staff list, people who left included (paged)")
    def get(self, request: Request) -> Response:
        return page_response(request, self, StaffMember.objects.all(), s.StaffSerializer)

    @extend_schema(request=s.StaffInSerializer, responses={201: s.StaffSerializer}, summary="Add a person")
    def post(self, request: Request) -> Response:
        data = _valid(s.StaffInSerializer, request.data)
        person = _call(services.staff_add, actor=request.user, organisation=request.tenant, **data)
        return Response(s.StaffSerializer(person).data, status=201)


class CompletionListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": READ, "POST": MANAGE}

    @extend_schema(responses=s.CompletionSerializer(many=True), summary="Completions, newest first (paged)")
    def get(self, request: Request) -> Response:
        return page_response(request, self, Completion.objects.all(), s.CompletionSerializer)

    @extend_schema(request=s.CompletionInSerializer, responses={201: s.CompletionSerializer},
                   summary="Record that a person completed a course")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.CompletionInSerializer, request.data)
        person = StaffMember.objects.filter(pk=data["person"]).first()
        course = Course.objects.filter(pk=data["course"]).first()
        missing = {**({"person": ["No one on the staff list has this id."]} if person is None else {}),
                   **({"course": ["No course has this id."]} if course is None else {})}  # fmt: skip
        if missing:
            raise drf.ValidationError(missing)
        completion = _call(
            services.completion_record, actor=request.user, organisation=request.tenant, person=person,
            course=course, completed_on=data["completed_on"], source=Source.API,
        )  # fmt: skip
        return Response(s.CompletionSerializer(completion).data, status=201)


class CoverageView(APIView):
    required_scopes = {"GET": READ}

    @extend_schema(parameters=[s.CoverageQuerySerializer], responses=s.CoverageSerializer,
                   summary="Coverage on a day (today by default): overall, by role, department and course")  # fmt: skip
    def get(self, request: Request) -> Response:
        on = _valid(s.CoverageQuerySerializer, request.query_params).get("on") or today()
        return Response(s.CoverageSerializer(selectors.coverage(on)).data)


class ImportView(APIView):
    required_scopes = {"POST": MANAGE}

    @extend_schema(request=s.ImportInSerializer, responses=s.ImportResultSerializer,
                   summary="Import a learning system's CSV export: all rows or none")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.ImportInSerializer, request.data)
        try:
            result = completions_import(actor=request.user, organisation=request.tenant, csv_text=data["csv"],
                                        add_people=data["add_people"], check_only=data["check_only"])  # fmt: skip
        except ImportRejected as refused:
            raise drf.ValidationError({"csv": refused.lines()}) from refused
        return Response(s.ImportResultSerializer(result).data)
