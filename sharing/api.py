"""API of the exchange on an organisation's host: search, open, ask for detail, our shares and their readers."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.models import Level, RecordKind
from hub.api_fields import StrictCharField
from hub.api_pagination import HubPagination, page_response
from hub.fetch_metadata import is_deliberate
from sharing import selectors, services
from sharing.models import CheckOpened, DetailRequest, SharedCheck
from tenants.scopes import Scope, scopes_of

CROSS_SITE_REFUSED = (
    "A link on another website cannot open a shared check. Open it from the hub's pages, or call the API "
    "from your own script with an API token."
)


class CheckViewSerializer(serializers.Serializer[Any]):
    check_id = serializers.IntegerField()
    source_name = StrictCharField()
    version = serializers.IntegerField()
    level = StrictCharField(source="level_code")
    agreement_id = serializers.IntegerField(allow_null=True)
    agreement_title = StrictCharField()
    content = serializers.DictField()
    error = StrictCharField()


class SharedCheckSerializer(serializers.ModelSerializer[SharedCheck]):
    """One of our shared checks. `label`, `state` and `state_text` for every reader; `speaker_name`
    and `event` (decrypted from our archive copy) only for holders of `exchange:read_shared`
    (context `with_content`), and only in the list, where each check carries its register row."""

    openings = serializers.IntegerField(source="openings_count", read_only=True)
    label = serializers.SerializerMethodField(help_text='"Check 12, version 1, shared 29 Nov 2026".')
    state = serializers.SerializerMethodField(help_text="The register's state code (active, withdrawn, damaged, …).")
    state_text = serializers.SerializerMethodField(help_text="The register's state in words.")
    speaker_name = serializers.SerializerMethodField(help_text="Only for holders of exchange:read_shared.")
    event = serializers.SerializerMethodField(help_text="Event title, date and format; only for exchange:read_shared.")

    CONTENT_FIELDS = ("speaker_name", "event")

    class Meta:
        model = SharedCheck
        fields = [
            "id",
            "label",
            "source_ref",
            "version",
            "is_current",
            "created_at",
            "expires_at",
            "withdrawn_at",
            "destroyed_at",
            "openings",
            "state",
            "state_text",
            "speaker_name",
            "event",
        ]

    def get_label(self, check: SharedCheck) -> str:
        return f"Check {check.pk}, version {check.version}, shared {selectors.day_label(check.created_at.date())}"

    def get_state(self, check: SharedCheck) -> str | None:
        row = getattr(check, "register_row", None)
        return row.state if row else None

    def get_state_text(self, check: SharedCheck) -> str | None:
        row = getattr(check, "register_row", None)
        return row.state_text if row else None

    def get_speaker_name(self, check: SharedCheck) -> str | None:
        row = getattr(check, "register_row", None)
        return (row.speaker_name or None) if row else None

    def get_event(self, check: SharedCheck) -> str | None:
        row = getattr(check, "register_row", None)
        if not row:
            return None
        return ", ".join(part for part in (row.event_title, row.event_text) if part) or None

    def to_representation(self, instance: SharedCheck) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("with_content"):
            for name in self.CONTENT_FIELDS:
                data.pop(name, None)
        return data


class OpeningSerializer(serializers.ModelSerializer[CheckOpened]):
    organisation = StrictCharField(source="reader_organisation.name")
    reader = StrictCharField(source="reader.full_name", allow_null=True)
    agreement = StrictCharField(source="agreement.title", allow_null=True)
    level = serializers.SerializerMethodField(help_text='"summary" or "full", as in `checks/<id>/`.')

    def get_level(self, opening: CheckOpened) -> str:
        return Level(opening.level).code

    class Meta:
        model = CheckOpened
        fields = ["opened_at", "organisation", "reader", "agreement", "level"]


class ReasonSerializer(serializers.Serializer[Any]):
    reason = StrictCharField(max_length=2000)


class AnswerSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField()
    note = StrictCharField(required=False, allow_blank=True, default="", max_length=2000)


class DetailRequestStateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = StrictCharField()


def _valid(serializer: serializers.Serializer[Any]) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class NameSerializer(serializers.Serializer[Any]):
    name = StrictCharField(allow_blank=True, max_length=200)


class SearchView(APIView):
    pagination_class = HubPagination
    required_scopes = {"POST": [Scope.EXCHANGE_SEARCH]}

    # POST with a JSON body, not GET: a speaker's name must not end up in URLs or access logs.
    @extend_schema(
        request=NameSerializer,
        responses=CheckViewSerializer(many=True),
        summary="Shared checks of a speaker that this organisation may read (paged)",
    )
    def post(self, request: Request) -> Response:
        views = selectors.speaker_check_search(
            organisation=request.tenant, user=request.user, **_valid(NameSerializer(data=request.data))
        )
        return page_response(request, self, views, CheckViewSerializer)


class CheckView(APIView):
    """One shared check. GET opens it (and records the opening for its source), so only a deliberate
    GET is served: no HEAD (Django would run `get` for it and record an opening nobody read)."""

    required_scopes = {"GET": [Scope.EXCHANGE_SEARCH]}
    http_method_names = ["get", "options"]

    @extend_schema(responses=CheckViewSerializer, summary="One shared check (404 if not visible to you)")
    def get(self, request: Request, check_id: int) -> Response:
        if not is_deliberate(request):  # another site's link, riding the session cookie: open and record nothing
            raise PermissionDenied(CROSS_SITE_REFUSED)
        view = selectors.check_open(organisation=request.tenant, user=request.user, check_id=check_id)
        return Response(CheckViewSerializer(view).data)


class DetailRequestCreateView(APIView):
    required_scopes = {"POST": [Scope.EXCHANGE_DETAIL_REQUESTS]}

    @extend_schema(
        request=ReasonSerializer,
        responses={201: DetailRequestStateSerializer},
        summary="Ask the source for full detail",
    )
    def post(self, request: Request, check_id: int) -> Response:
        view = selectors.check_open(organisation=request.tenant, user=request.user, check_id=check_id)
        detail = services.detail_request_create(
            actor=request.user,
            organisation=request.tenant,
            check=SharedCheck.objects.get(pk=view.check_id),
            **_valid(ReasonSerializer(data=request.data)),
        )
        return Response({"id": detail.pk, "status": detail.status}, status=status.HTTP_201_CREATED)


class SharedListView(APIView):
    """Our register. Either right reads it, as on the site: `read_openings` alone gets metadata only."""

    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.EXCHANGE_READ_SHARED, Scope.EXCHANGE_READ_OPENINGS]}

    @extend_schema(responses=SharedCheckSerializer(many=True), summary="Checks this organisation shared (paged)")
    def get(self, request: Request) -> Response:
        with_content = Scope.EXCHANGE_READ_SHARED in scopes_of(request.membership)
        paginator = HubPagination()
        page = paginator.paginate_queryset(selectors.shared_checks_of(request.tenant), request, view=self) or []
        rows = selectors.shared_rows(
            organisation=request.tenant, user=request.user, checks=page, with_content=with_content
        )
        for check, row in zip(page, rows, strict=True):
            check.register_row = row
        data = SharedCheckSerializer(page, many=True, context={"with_content": with_content}).data
        return paginator.get_paginated_response(data)


class OpeningsView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.EXCHANGE_READ_OPENINGS]}

    @extend_schema(responses=OpeningSerializer(many=True), summary="Who opened one of our checks (paged)")
    def get(self, request: Request, check_id: int) -> Response:
        get_object_or_404(SharedCheck, pk=check_id, source=request.tenant, kind=RecordKind.SPEAKER_CHECK)
        openings = selectors.check_openings(organisation=request.tenant, check_id=check_id)
        return page_response(request, self, openings, OpeningSerializer)


class WithdrawView(APIView):
    required_scopes = {"POST": [Scope.EXCHANGE_SHARE]}

    @extend_schema(request=ReasonSerializer, responses=SharedCheckSerializer, summary="Withdraw one of our checks")
    def post(self, request: Request, check_id: int) -> Response:
        # Any version of ours: withdrawing twice, or a replaced version, is a 400 saying so, not a 404.
        check = get_object_or_404(SharedCheck, pk=check_id, source=request.tenant, kind=RecordKind.SPEAKER_CHECK)
        check = services.check_withdraw(actor=request.user, check=check, **_valid(ReasonSerializer(data=request.data)))
        check.openings_count = check.openings.count()
        return Response(SharedCheckSerializer(check).data)


class DetailAnswerView(APIView):
    required_scopes = {"POST": [Scope.EXCHANGE_ANSWER_DETAIL]}

    @extend_schema(
        request=AnswerSerializer,
        responses=DetailRequestStateSerializer,
        summary="Approve or decline a request for detail",
    )
    def post(self, request: Request, request_id: int) -> Response:
        detail = get_object_or_404(DetailRequest, pk=request_id, check_row__source=request.tenant)
        detail = services.detail_request_decide(
            actor=request.user, request=detail, **_valid(AnswerSerializer(data=request.data))
        )
        return Response({"id": detail.pk, "status": detail.status})
