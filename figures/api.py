"""API of network figures (/api/v1/figures/).

* `contributions/` — GET: what we sent (paged); POST `{network, period}`: send our figures for a
  term to a network (400 naming `network` or `period`, e.g. when no agreement allows it).
* `totals/` — GET: on a network's host, the network's suppressed totals per recent term (what the
  co-ordinator's page shows); elsewhere, the network totals sent to us, beside our own figures.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.dates import today as london_today
from figures import selectors, services
from figures import serializers as s
from figures.models import Submission
from hub.api_pagination import HubPagination, page_response
from networks.selectors import networks_of
from partners.periods import period_from_code
from tenants.scopes import Scope


class ContributionListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": [Scope.FIGURES_READ, Scope.FIGURES_CONTRIBUTE], "POST": [Scope.FIGURES_CONTRIBUTE]}

    @extend_schema(responses=s.SubmissionSerializer(many=True), summary="What we sent to networks (paged)")
    def get(self, request: Request) -> Response:
        rows = Submission.objects.select_related("sent_by").order_by("-period_code", "network_name", "-version")
        return page_response(request, self, rows, s.SubmissionSerializer)

    @extend_schema(request=s.SendSerializer, responses={201: s.SubmissionSerializer},
                   summary="Send our figures for a term to a network (only if an agreement allows)")  # fmt: skip
    def post(self, request: Request) -> Response:
        serializer = s.SendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organisation = request.tenant  # type: ignore[attr-defined]
        try:
            period = period_from_code(data["period"])
        except ValueError as exc:
            raise drf.ValidationError({"period": [str(exc)]}) from exc
        network = networks_of(organisation).filter(slug=data["network"].strip()).first()
        try:
            row = services.contribution_send(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                network=network,
                period=period,
                today=london_today(),
            )
        except DjangoValidationError as exc:
            raise drf.ValidationError(exc.message_dict) from exc
        return Response(s.SubmissionSerializer(row).data, status=201)


def _network_rows(viewer_ids: frozenset[int]) -> list[dict[str, Any]]:
    out = []
    for row in selectors.network_trends(london_today(), viewer_ids=viewer_ids):
        sections = []
        for key, totals in row.totals.sections.items():
            sections.append(
                {
                    "key": key,
                    "title": totals.section.title,
                    "columns": list(totals.section.columns),
                    "figures": totals.cells(),
                    "total": totals.total(),
                    "withheld": totals.reason,
                }
            )
        out.append(
            {
                "period": row.period.code,
                "period_label": row.period.label,
                "contributors": row.totals.contributors,
                "threshold": row.totals.threshold,
                "sections": sections,
            }
        )
    return out


def _received_rows(received: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for record in received:
        sections = []
        for key, data in (record.get("sections") or {}).items():
            if "withheld" in data:
                sections.append({"key": key, "columns": [], "yours": None, "network": [], "withheld": data["withheld"]})
            else:
                sections.append(
                    {
                        "key": key,
                        "columns": data["columns"],
                        "yours": data.get("yours"),
                        "network": data["network"],
                        "withheld": "",
                    }
                )
        out.append(
            {
                "network": record.get("network", ""),
                "period": record.get("period", ""),
                "threshold": record.get("threshold", 0),
                "sections": sections,
            }
        )
    return out


class TotalsView(APIView):
    required_scopes = {"GET": [Scope.FIGURES_READ]}

    @extend_schema(
        responses=s.PeriodTotalsSerializer(many=True),
        summary="A network's suppressed totals per recent term; for a member, the totals sent to it "
        "(ReceivedTotals shape)",
    )
    def get(self, request: Request) -> Response:
        organisation = request.tenant  # type: ignore[attr-defined]
        if selectors.is_network(organisation):
            services.ingest(network=organisation, actor=request.user)  # type: ignore[arg-type]
            viewer_ids = selectors.viewer_organisations(organisation, request.user)  # type: ignore[arg-type]
            return Response(s.PeriodTotalsSerializer(_network_rows(viewer_ids), many=True).data)
        received = services.totals_received(organisation=organisation, actor=request.user)  # type: ignore[arg-type]
        return Response(s.ReceivedTotalsSerializer(_received_rows(received), many=True).data)
