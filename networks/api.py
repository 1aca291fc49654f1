"""API for a network's meetings and actions (/api/v1/network/): read with network:read, write with
network:convene. Errors name the field (hub.api_errors); a meeting or action of another organisation
is 404 like a missing one (each lives in its network's own schema)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from networks import selectors, services
from networks import serializers as s
from networks.models import Action, Meeting
from tenants.models import Organisation
from tenants.scopes import Scope


def _valid(serializer_class: type[drf.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class MeetingListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.NETWORK_READ], "POST": [Scope.NETWORK_CONVENE]}

    @extend_schema(responses=s.NetworkMeetingSerializer(many=True), summary="The network's meetings, latest first")
    def get(self, request: Request) -> Response:
        meetings = Meeting.objects.prefetch_related("agenda_items").order_by("-starts_at", "-pk")
        return page_response(request, self, meetings, s.NetworkMeetingSerializer)

    @extend_schema(request=s.NetworkMeetingInputSerializer, responses={201: s.NetworkMeetingSerializer},
                   summary="Schedule a meeting (standing items are added to its agenda)")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.NetworkMeetingInputSerializer, request)
        agenda = data.pop("agenda")
        meeting = _call(
            services.meeting_schedule,
            actor=request.user,
            network=request.tenant,
            data=services.MeetingData(**data),
            agenda=agenda,
        )
        return Response(s.NetworkMeetingSerializer(meeting).data, status=201)


class MeetingDetailView(APIView):
    required_scopes = {"GET": [Scope.NETWORK_READ]}

    @extend_schema(responses=s.NetworkMeetingSerializer, summary="One meeting: agenda, papers, minutes")
    def get(self, request: Request, meeting_id: int) -> Response:
        return Response(s.NetworkMeetingSerializer(selectors.meeting_get(meeting_id)).data)


class ActionListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.NETWORK_READ], "POST": [Scope.NETWORK_CONVENE]}

    @extend_schema(responses=s.NetworkActionSerializer(many=True), summary="The network's actions, by due date")
    def get(self, request: Request) -> Response:
        return page_response(request, self, selectors.actions_of(), s.NetworkActionSerializer)

    @extend_schema(request=s.NetworkActionInputSerializer, responses={201: s.NetworkActionSerializer},
                   summary="Record an action owned by a member organisation")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.NetworkActionInputSerializer, request)
        meeting = Meeting.objects.filter(pk=data["meeting"]).first()
        if meeting is None:
            raise drf.ValidationError({"meeting": ["No meeting of this network has that id."]})
        owner_id = data["owner_organisation"]
        owner = Organisation.objects.filter(pk=owner_id).first() if owner_id else None
        if owner_id and owner is None:
            raise drf.ValidationError({"owner_organisation": ["No organisation has that id."]})
        action = _call(
            services.action_record,
            actor=request.user,
            network=request.tenant,
            meeting=meeting,
            description=data["description"],
            owner_organisation=owner,
            due_on=data["due_on"],
            record_past=data["record_past"],
        )
        return Response(s.NetworkActionSerializer(action).data, status=201)


class ActionDetailView(APIView):
    required_scopes = {"GET": [Scope.NETWORK_READ]}

    @extend_schema(responses=s.NetworkActionSerializer, summary="One action")
    def get(self, request: Request, action_id: int) -> Response:
        return Response(s.NetworkActionSerializer(get_object_or_404(Action, pk=action_id)).data)


class ActionStatusView(APIView):
    required_scopes = {"POST": [Scope.NETWORK_CONVENE]}

    @extend_schema(request=s.NetworkActionStatusSerializer, responses=s.NetworkActionSerializer,
                   summary="Change an action's status (open, done, cancelled)")  # fmt: skip
    def post(self, request: Request, action_id: int) -> Response:
        action = get_object_or_404(Action, pk=action_id)
        data = _valid(s.NetworkActionStatusSerializer, request)
        action = _call(services.action_set_status, actor=request.user, network=request.tenant, action=action, **data)
        return Response(s.NetworkActionSerializer(action).data)
