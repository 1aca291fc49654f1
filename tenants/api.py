"""API for the current organisation (the host decides which): itself, its links, its members."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api_fields import StrictCharField
from hub.api_pagination import HubPagination, page_response
from tenants import selectors
from tenants.models import Organisation
from tenants.scopes import Scope


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    host = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "host", "created_at"]

    def get_host(self, organisation: Organisation) -> str:
        return organisation.get_primary_domain().domain


class LinkSerializer(serializers.Serializer[object]):
    kind = StrictCharField()
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"])
    organisation = OrganisationSerializer()


class MemberSerializer(serializers.Serializer[object]):
    full_name = StrictCharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    roles = serializers.ListField(child=StrictCharField())


class CurrentOrganisationView(APIView):
    required_scopes = {"GET": [Scope.ORG_READ]}

    @extend_schema(responses=OrganisationSerializer, summary="The organisation whose host this is")
    def get(self, request: Request) -> Response:
        return Response(OrganisationSerializer(request.tenant).data)


class LinksView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.ORG_READ]}

    @extend_schema(responses=LinkSerializer(many=True), summary="Links to and from this organisation (paged)")
    def get(self, request: Request) -> Response:
        me = request.tenant.pk
        rows = [
            {
                "kind": link.kind,
                "direction": "outgoing" if link.source_id == me else "incoming",
                "organisation": link.target if link.source_id == me else link.source,
            }
            for link in selectors.organisation_links(request.tenant)
        ]
        return page_response(request, self, rows, LinkSerializer)


class MembersView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.ORG_READ]}

    @extend_schema(responses=MemberSerializer(many=True), summary="People in this organisation and their roles (paged)")
    def get(self, request: Request) -> Response:
        return page_response(request, self, selectors.organisation_members(request.tenant), MemberSerializer)
