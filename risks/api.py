"""API of the risk register and action plan (/api/v1/risks/).

Each endpoint parses input, calls one service or selector and serialises the result. A risk or an
action of another organisation is 404 like a missing one; a write without the right is 403 and
records nothing; invalid input is 400 naming the field (`owner`, `due_on`, `likelihood`, `reason`...).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.policy import SharingDenied
from core.dates import today as london_today
from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from risks import selectors, services
from risks import serializers as s
from risks.models import Risk
from tenants.models import Organisation, User
from tenants.scopes import Scope

DENIED = (
    "No information-sharing agreement in force lets this network receive our risk summary; agree one "
    "(template network_risk_summary) first. Nothing was sent."
)


def _valid(serializer_class: type[drf.Serializer], request: Request, partial: bool = False) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _member(organisation: Organisation, user_id: int | None, field: str = "owner") -> User | None:
    """The member with that id; a 400 naming `field` for anyone else (no hint whether they exist)."""
    if user_id is None:
        return None
    user = selectors.owners(organisation).filter(pk=user_id).first()
    if user is None:
        raise drf.ValidationError({field: ["No member of this organisation has that id; give a member's id."]})
    return user


def _risk_of(risk_id: int | None) -> Risk | None:
    if risk_id is None:
        return None
    risk = Risk.objects.filter(pk=risk_id).first()
    if risk is None:
        raise drf.ValidationError({"risk": ["No risk in our register has that id."]})
    return risk


class RiskListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.RISKS_READ], "POST": [Scope.RISKS_MANAGE]}

    @extend_schema(responses=s.RiskSerializer(many=True), summary="Every risk in the register, by id (paged)")
    def get(self, request: Request) -> Response:
        return page_response(request, self, selectors.risks_all().order_by("pk"), s.RiskSerializer)

    @extend_schema(request=s.RiskInSerializer, responses={201: s.RiskDetailSerializer}, summary="Add a risk")
    def post(self, request: Request) -> Response:
        data = _valid(s.RiskInSerializer, request)
        reason = data.pop("reason", "")
        data["owner"] = _member(request.tenant, data["owner"])
        risk = _call(services.risk_create, actor=request.user, organisation=request.tenant,
                     data=services.RiskInput(**data), reason=reason)  # fmt: skip
        return Response(s.RiskDetailSerializer(risk).data, status=201)


class RiskDetailView(APIView):
    required_scopes = {"GET": [Scope.RISKS_READ], "POST": [Scope.RISKS_MANAGE]}

    @extend_schema(responses=s.RiskDetailSerializer, summary="One risk with its history")
    def get(self, request: Request, risk_id: int) -> Response:
        return Response(s.RiskDetailSerializer(selectors.risk_get(risk_id)).data)

    @extend_schema(request=s.RiskEditSerializer, responses=s.RiskDetailSerializer, operation_id="v1_risks_edit",
                   summary="Change a risk: send the fields that change and `reason` (kept in the history)")  # fmt: skip
    def post(self, request: Request, risk_id: int) -> Response:
        risk = selectors.risk_get(risk_id)
        data = _valid(s.RiskEditSerializer, request, partial=True)
        reason = data.pop("reason", "")
        if "owner" in data:
            data["owner"] = _member(request.tenant, data["owner"])
        current = {name: getattr(risk, name) for name in services.RISK_FIELDS}
        _call(services.risk_update, actor=request.user, organisation=request.tenant, risk=risk,
              data=services.RiskInput(**{**current, **data}), reason=reason)  # fmt: skip
        return Response(s.RiskDetailSerializer(selectors.risk_get(risk_id)).data)


class ActionListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.RISKS_READ], "POST": [Scope.RISKS_MANAGE]}

    @extend_schema(responses=s.RiskActionSerializer(many=True), summary="Every action of the plan, by due date (paged)")
    def get(self, request: Request) -> Response:
        rows = selectors.actions_all().order_by("due_on", "pk")
        return page_response(request, self, rows, s.RiskActionSerializer, context={"today": london_today()})

    @extend_schema(request=s.RiskActionInSerializer, responses={201: s.RiskActionSerializer}, summary="Add an action")
    def post(self, request: Request) -> Response:
        data = _valid(s.RiskActionInSerializer, request)
        recording_past = data.pop("recording_past", False)
        data["owner"] = _member(request.tenant, data["owner"])
        data["risk"] = _risk_of(data.get("risk"))
        action = _call(services.action_create, actor=request.user, organisation=request.tenant,
                       data=services.ActionInput(**data), recording_past=recording_past)  # fmt: skip
        return Response(s.RiskActionSerializer(action, context={"today": london_today()}).data, status=201)


class ActionDetailView(APIView):
    required_scopes = {"GET": [Scope.RISKS_READ], "POST": [Scope.RISKS_MANAGE]}

    @extend_schema(responses=s.RiskActionSerializer, summary="One action")
    def get(self, request: Request, risk_action_id: int) -> Response:
        action = selectors.action_get(risk_action_id)
        return Response(s.RiskActionSerializer(action, context={"today": london_today()}).data)

    @extend_schema(request=s.RiskActionEditSerializer, responses=s.RiskActionSerializer,
                   operation_id="v1_risks_actions_edit",
                   summary="Change an action: send the fields that change (e.g. status)")  # fmt: skip
    def post(self, request: Request, risk_action_id: int) -> Response:
        action = selectors.action_get(risk_action_id)
        data = _valid(s.RiskActionEditSerializer, request, partial=True)
        data.pop("recording_past", None)
        if "owner" in data:
            data["owner"] = _member(request.tenant, data["owner"])
        if "risk" in data:
            data["risk"] = _risk_of(data["risk"])
        current: dict[str, Any] = {name: getattr(action, name) for name in ("title", "notes", "owner", "due_on",
                                                                            "status", "risk")}  # fmt: skip
        updated = _call(services.action_update, actor=request.user, organisation=request.tenant, action=action,
                        data=services.ActionInput(**{**current, **data}))  # fmt: skip
        return Response(s.RiskActionSerializer(updated, context={"today": london_today()}).data)


class OverviewView(APIView):
    required_scopes = {"GET": [Scope.RISKS_READ]}

    @extend_schema(
        responses=s.RiskOverviewSerializer, summary="The register's figures and heat map (as the page shows)"
    )
    def get(self, request: Request) -> Response:
        figures = asdict(selectors.overview())
        figures["heat_map"] = [[cell.count for cell in row] for row in selectors.heat_map().rows]
        return Response(s.RiskOverviewSerializer(figures).data)


class ShareView(APIView):
    required_scopes = {"POST": [Scope.RISKS_SHARE]}

    @extend_schema(request=s.RiskShareInSerializer, responses={201: s.RiskShareOutSerializer},
                   summary="Send the register's summary (counts only) to a network we are a member of, when an "
                   "agreement allows (400 naming network when none does)")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.RiskShareInSerializer, request)
        network = selectors.member_networks(request.tenant).filter(pk=data["network"]).first()
        if network is None:
            raise drf.ValidationError({"network": ["We are not a member of a network with that id."]})
        try:
            check = _call(services.summary_share, actor=request.user, organisation=request.tenant, network=network)
        except SharingDenied as exc:
            # We are a member, so saying that no agreement allows it tells us nothing we could not know.
            raise drf.ValidationError({"network": [DENIED]}) from exc
        body = {"record_id": check.pk, "version": check.version, "network": network.pk,
                "summary": selectors.summary_record()}  # fmt: skip
        return Response(s.RiskShareOutSerializer(body).data, status=201)
