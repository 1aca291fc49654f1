"""API of the good-practice library (/api/v1/library/).

Each endpoint parses input, calls one service or selector and serialises the result. A write-up
the caller may not see (another organisation's draft or withdrawn one) is 404, like a missing
one; a change without the right is 403 and records nothing; invalid input is 400 in the one
error shape, naming the field (`title`, `themes`, `speaks_for`, the query's `theme`...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from library import selectors, services
from library import serializers as s
from library.services import PracticeText
from tenants.models import Organisation
from tenants.scopes import Scope


def _valid(serializer_class: type[drf.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


NOT_A_PUBLISHER = "Only people who publish write-ups here have write-ups of theirs."


class PracticeListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.LIBRARY_READ], "POST": [Scope.LIBRARY_PUBLISH]}

    @extend_schema(
        parameters=[s.SearchParamsSerializer],
        responses=s.PracticeSerializer(many=True),
        summary="Published write-ups, found by words (`q`, ranked) and theme; `mine=true`: ours in any state",
    )
    def get(self, request: Request) -> Response:
        params = _valid(s.SearchParamsSerializer, request.query_params)
        if params["mine"]:
            if not selectors.may_publish(request.tenant, request.user):
                raise drf.ValidationError({"mine": [NOT_A_PUBLISHER]})
            rows = selectors.practices_ours(request.tenant, request.user)
        else:
            found = selectors.practices_found(request.tenant, words=params.get("q", ""), theme=params.get("theme", ""))
            rows = found.practices
        return page_response(request, self, rows, s.PracticeSerializer)

    @extend_schema(request=s.PracticeCreateSerializer, responses={201: s.PracticeSerializer},
                   summary="Write up a practice, as a draft or published at once")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.PracticeCreateSerializer, request.data)
        speaks_for = None
        if data.get("speaks_for") is not None:
            speaks_for = Organisation.objects.filter(pk=data["speaks_for"]).first()
            if speaks_for is None:
                raise drf.ValidationError({"speaks_for": ["No such organisation: give the id of one you speak for."]})
        text = PracticeText(**{k: data[k] for k in services.LIMITS}, themes=data["themes"],
                            show_author=data["show_author"])  # fmt: skip
        practice = _call(services.practice_create, actor=request.user, organisation=request.tenant, text=text,
                         speaks_for=speaks_for, publish=data["publish"])  # fmt: skip
        return Response(s.PracticeSerializer(practice).data, status=201)


class PracticeDetailView(APIView):
    required_scopes = {"GET": [Scope.LIBRARY_READ], "POST": [Scope.LIBRARY_PUBLISH]}

    @extend_schema(responses=s.PracticeSerializer, summary="One write-up (published, or one of ours)")
    def get(self, request: Request, practice_id: int) -> Response:
        return Response(s.PracticeSerializer(selectors.practice_get(request.tenant, request.user, practice_id)).data)

    @extend_schema(
        request=s.PracticeEditSerializer,
        responses=s.PracticeSerializer,
        operation_id="v1_library_practices_edit",
        summary="Change what one of our write-ups says (fields not sent stay as they are)",
    )
    def post(self, request: Request, practice_id: int) -> Response:
        practice = selectors.practice_get_ours(request.tenant, request.user, practice_id)
        data = _valid(s.PracticeEditSerializer, request.data)
        current = services.text_of(practice)
        text = PracticeText(**{**current.__dict__, **data})
        updated = _call(services.practice_edit, actor=request.user, organisation=request.tenant, practice=practice,
                        text=text)  # fmt: skip
        return Response(s.PracticeSerializer(updated).data)


class _Change(APIView):
    required_scopes = {"POST": [Scope.LIBRARY_PUBLISH]}
    service: Callable[..., Any]

    def post(self, request: Request, practice_id: int) -> Response:
        practice = selectors.practice_get_ours(request.tenant, request.user, practice_id)
        changed = _call(type(self).service, actor=request.user, organisation=request.tenant, practice=practice)
        return Response(s.PracticeSerializer(changed).data)


class PracticePublishView(_Change):
    service = staticmethod(services.practice_publish)

    @extend_schema(request=None, responses=s.PracticeSerializer, summary="Publish a draft or withdrawn one of ours")
    def post(self, request: Request, practice_id: int) -> Response:
        return super().post(request, practice_id)


class PracticeWithdrawView(_Change):
    service = staticmethod(services.practice_withdraw)

    @extend_schema(request=None, responses=s.PracticeSerializer, summary="Withdraw a published write-up of ours")
    def post(self, request: Request, practice_id: int) -> Response:
        return super().post(request, practice_id)
