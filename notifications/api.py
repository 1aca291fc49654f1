"""API of the notification centre (/api/v1/notifications/): the caller's own notifications here.

Another person's notification id is ignored (`marked: 0`), like one that does not exist; a
notification whose scope or object right the caller no longer holds is neither listed nor
changed. Invalid input is 400 in the one error shape, naming the field (`unread`, or the kind
whose delivery is not one of `hub`, `email`, `digest`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api_errors import bad_request
from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from notifications import serializers as s
from notifications import services
from notifications.kinds import Kind
from tenants.models import Membership
from tenants.scopes import Scope

READ = [Scope.ORG_READ]


def _membership(request: Request) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _marked(request: Request, changed: int) -> Response:
    membership = _membership(request)
    return Response(s.MarkedSerializer({"marked": changed, "unread": services.unread_count(membership)}).data)


class NotificationListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": READ}

    @extend_schema(
        parameters=[s.ListParamsSerializer],
        responses=s.NotificationSerializer(many=True),
        summary="My notifications here, newest first (`unread=true`: only unread ones)",
    )
    def get(self, request: Request) -> Response:
        params = s.ListParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        membership = _membership(request)
        rows = services.visible(membership)
        if params.validated_data["unread"]:
            rows = rows.filter(read_at__isnull=True)
        allowed = [n for n in rows if services.still_allowed(n, membership)]
        return page_response(request, self, allowed, s.NotificationSerializer)


class NotificationReadView(APIView):
    required_scopes = {"POST": READ}

    @extend_schema(request=None, responses=s.MarkedSerializer, summary="Mark one of my notifications read")
    def post(self, request: Request, notification_id: int) -> Response:
        membership = _membership(request)
        notification = services.visible(membership).filter(pk=notification_id).first()
        changed = 0
        if notification is not None and services.still_allowed(notification, membership):
            changed = services.mark_read(membership, [notification.pk])
        return _marked(request, changed)


class NotificationReadAllView(APIView):
    required_scopes = {"POST": READ}

    @extend_schema(request=None, responses=s.MarkedSerializer, summary="Mark all my notifications here read")
    def post(self, request: Request) -> Response:
        return _marked(request, services.mark_all_read(_membership(request)))


class PreferencesView(APIView):
    required_scopes = {"GET": READ, "POST": READ}

    @extend_schema(responses=s.PreferencesSerializer, summary="How each kind of notification reaches me")
    def get(self, request: Request) -> Response:
        return Response(services.preferences_of(request.user))

    @extend_schema(
        request=s.PreferencesSerializer,
        responses=s.PreferencesSerializer,
        operation_id="v1_notifications_preferences_change",
        summary="Choose how kinds reach me (kinds not sent stay as they are)",
    )
    def post(self, request: Request) -> Response:
        data: Any = request.data
        if not isinstance(data, dict):
            raise bad_request({"non_field_errors": ["Send an object: {kind: delivery}."]})
        unknown = {key: ["Unknown kind of notification; choose one of: " + ", ".join(Kind.values) + "."]
                   for key in data if key not in Kind.values}  # fmt: skip
        if unknown:
            raise bad_request(unknown)
        parsed = s.PreferencesSerializer(data=data)
        parsed.is_valid(raise_exception=True)
        return Response(_call(services.preferences_set, user=request.user, choices=dict(parsed.validated_data)))
