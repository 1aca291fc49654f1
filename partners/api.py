"""API of partner reports and the validating university's assurance view (/api/v1/partners/).

Each endpoint parses input, calls one service or selector and serialises the result. A report or
a received record the caller may not see is 404, like a missing one (a received record the policy
no longer lets us open, too); an action without the right is 403 and records nothing; invalid
input is 400 in the one error shape.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api_errors import call_service as _call
from hub.api_pagination import HubPagination, page_response
from partners import selectors, services
from partners import serializers as s
from partners.models import PartnerReport
from tenants.scopes import Scope

READERS = [Scope.PARTNERS_REPORT, Scope.PARTNERS_SIGN_OFF]


def _valid(serializer_class: type[drf.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ReportListView(APIView):
    pagination_class = HubPagination
    required_scopes = {"GET": READERS, "POST": [Scope.PARTNERS_REPORT]}

    @extend_schema(responses=s.ReportSerializer(many=True), summary="Our reports, newest period first (paged)")
    def get(self, request: Request) -> Response:
        rows = PartnerReport.objects.select_related("signed_off_by").order_by("-period_end", "period_kind", "-version")
        return page_response(request, self, rows, s.ReportSerializer)

    @extend_schema(request=s.AssembleSerializer, responses={201: s.ReportSerializer},
                   summary="Assemble the draft for a period (refreshes an existing draft; after a sent "
                   "version, starts the next version)")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = _valid(s.AssembleSerializer, request)
        draft = _call(services.report_assemble, actor=request.user, organisation=request.tenant, period=data["period"])
        return Response(s.ReportSerializer(draft).data, status=201)


class ReportDetailView(APIView):
    required_scopes = {"GET": READERS, "POST": [Scope.PARTNERS_REPORT]}

    @extend_schema(responses=s.ReportSerializer, summary="One version of one report")
    def get(self, request: Request, report_id: int) -> Response:
        return Response(s.ReportSerializer(selectors.report_get(report_id)).data)

    @extend_schema(request=s.NarrativeSerializer, responses=s.ReportSerializer,
                   operation_id="v1_partners_reports_edit",
                   summary="Change what we write in a draft (figures are assembled, not edited)")  # fmt: skip
    def post(self, request: Request, report_id: int) -> Response:
        report = selectors.report_get(report_id)
        data = _valid(s.NarrativeSerializer, request)
        current = {name: getattr(report, name) for name in services.NARRATIVE_FIELDS}
        narrative = services.Narrative(**{**current, **data})
        updated = _call(services.report_edit, actor=request.user, organisation=request.tenant, report=report,
                        narrative=narrative)  # fmt: skip
        return Response(s.ReportSerializer(updated).data)


class ReportSignOffView(APIView):
    required_scopes = {"POST": [Scope.PARTNERS_SIGN_OFF]}

    @extend_schema(request=None, responses=s.ReportSerializer,
                   summary="Sign off a draft and send it to the validating university (the Prevent lead)")  # fmt: skip
    def post(self, request: Request, report_id: int) -> Response:
        report = selectors.report_get(report_id)
        sent = _call(services.report_sign_off, actor=request.user, organisation=request.tenant, report=report)
        return Response(s.ReportSerializer(sent).data)


def _block_data(block: selectors.PartnerBlock) -> dict[str, Any]:
    agreement = block.agreement
    version = agreement.agreement.current_version if agreement else None
    return {
        "partner_id": block.partner.pk,
        "partner_name": block.partner.name,
        "needs_attention": block.needs_attention,
        "agreement": None
        if agreement is None
        else {
            "id": agreement.agreement.pk,
            "title": agreement.agreement.title,
            "state": agreement.state.value,
            "review_date": version.review_date if version else None,
            "expiry_date": version.expiry_date if version else None,
            "review_due": agreement.review_due,
        },
        "last_report": s.record_view_data(block.last_report) if block.last_report else None,
        "overdue": [{"period": p.code, "label": p.label, "due": selectors.due_date(p)} for p in block.overdue],
        "training": block.training,
        "referrals": None
        if block.referrals is None
        else {
            "cases": len(block.referrals.get("cases") or []),
            "transfers": len(block.referrals.get("transfers") or []),
        },
    }


class AssuranceView(APIView):
    required_scopes = {"GET": [Scope.PARTNERS_OVERSEE]}

    @extend_schema(responses=s.PartnerAssuranceSerializer(many=True),
                   summary="Per validated partner: agreement, last report, overdue reports, training, referrals; "
                   "those needing attention first")  # fmt: skip
    def get(self, request: Request) -> Response:
        blocks = selectors.assurance(request.tenant, request.user)
        return Response(s.PartnerAssuranceSerializer([_block_data(b) for b in blocks], many=True).data)


class ReceivedView(APIView):
    required_scopes = {"GET": [Scope.PARTNERS_OVERSEE]}

    @extend_schema(
        responses=s.PartnerReportReceivedSerializer, summary="One report a partner sent us (opening it is recorded)"
    )
    def get(self, request: Request, record_id: int) -> Response:
        view, comments = selectors.received_report(request.tenant, request.user, record_id)
        data = s.PartnerReportReceivedSerializer(s.record_view_data(view)).data
        return Response({**data, "comments": s.CommentSerializer(comments, many=True).data})


class CommentView(APIView):
    required_scopes = {"POST": [Scope.PARTNERS_TRAINING]}

    @extend_schema(request=s.CommentInSerializer, responses={201: s.CommentSerializer},
                   summary="Comment on a report a partner sent us (the comment stays with us)")  # fmt: skip
    def post(self, request: Request, record_id: int) -> Response:
        text = _valid(s.CommentInSerializer, request)["text"]
        comment = _call(services.report_comment_add, actor=request.user, organisation=request.tenant,
                        record_id=record_id, text=text)  # fmt: skip
        return Response(s.CommentSerializer(comment).data, status=201)
