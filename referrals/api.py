"""API under /api/v1/referrals/ on an organisation's host: the same as the pages, one service or selector each.

A case the caller may not see is 404 (audited by welfare), like a missing one; an action without
the right is 403 and stores nothing; invalid input is 400 naming the field; a flow no agreement
allows now is 404 (`SharingDenied`, the reason in the audit log), in the one error shape.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements.policy import SharingDenied
from core.audit_trail import audit_list_read
from hub.api_errors import call_service as _call
from referrals import rights, selectors, services
from referrals import serializers as s
from tenants.models import Organisation
from tenants.scopes import Scope
from welfare import selectors as welfare_selectors
from welfare.models import Case

STILL_WAITING = "No information-sharing agreement in force allows this identified transfer now; it stays waiting."


def _valid(serializer_class: type[drf.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


REASON_FIRST = 'Say why you are opening this case first: POST {"reason": "..."} to /api/v1/welfare/cases/<id>/.'


def _case(request: Request, case_id: int) -> Case:
    """The case if the caller may share it (404 otherwise), once opened with a reason in this session
    (a 400 naming `reason` before that, as welfare answers)."""
    case = welfare_selectors.case_get(membership=request.membership, pk=case_id)
    if not rights.can_share_case(request.membership, case):
        raise Http404("No such case.")
    if not welfare_selectors.case_opened_in_session(request.session, case):
        raise drf.ValidationError({"reason": [REASON_FIRST]})
    return case


def _organisation(pk: int) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first()


class CaseSummaryView(APIView):
    required_scopes = {"POST": [Scope.REFERRALS_SHARE]}

    @extend_schema(request=s.SummaryInputSerializer, responses={201: s.SummaryShareSerializer},
                   summary="Send (or update) the pseudonymised summary of a case")  # fmt: skip
    def post(self, request: Request, case_id: int) -> Response:
        case = _case(request, case_id)
        data = _valid(s.SummaryInputSerializer, request.data)
        share = _call(services.case_summary_share, actor=request.user, case=case,
                      recipient=_organisation(data["recipient"]))  # fmt: skip
        return Response(s.SummaryShareSerializer(share).data, status=201)


class CaseTransferView(APIView):
    required_scopes = {"POST": [Scope.REFERRALS_SHARE]}

    @extend_schema(request=s.TransferInputSerializer, responses={201: s.TransferSerializer},
                   summary="Ask for an identified transfer (sent only after a second person approves)")  # fmt: skip
    def post(self, request: Request, case_id: int) -> Response:
        case = _case(request, case_id)
        data = _valid(s.TransferInputSerializer, request.data)
        transfer = _call(services.transfer_request, actor=request.user, case=case,
                         recipient=_organisation(data["recipient"]), justification=data["justification"])  # fmt: skip
        return Response(s.TransferSerializer(transfer).data, status=201)


class TransferListView(APIView):
    required_scopes = {"GET": [Scope.REFERRALS_APPROVE]}

    @extend_schema(responses=s.TransferSerializer(many=True), summary="Identified transfers waiting for approval")
    def get(self, request: Request) -> Response:
        pending = list(selectors.pending_transfers())
        audit_list_read(action="referral.list_read", actor=request.user, organisation_id=request.tenant.pk,
                        target_type="referrals.transferrequest", ids=[t.pk for t in pending],
                        reason="approvals")  # fmt: skip
        return Response(s.TransferSerializer(pending, many=True).data)


def _transfer(transfer_id: int) -> Any:
    transfer = selectors.transfer_get(transfer_id)
    if transfer is None:
        raise Http404("No such transfer request.")
    return transfer


class TransferApproveView(APIView):
    required_scopes = {"POST": [Scope.REFERRALS_APPROVE]}

    @extend_schema(request=None, responses={200: s.TransferSerializer},
                   summary="Approve as the second person: seals and sends it")  # fmt: skip
    def post(self, request: Request, transfer_id: int) -> Response:
        try:
            transfer = _call(services.transfer_approve, actor=request.user, transfer=_transfer(transfer_id))
        except SharingDenied:
            # The source asking about its own request: say so (it names no other organisation).
            raise drf.ValidationError({"transfer": [STILL_WAITING]}) from None
        return Response(s.TransferSerializer(transfer).data)


class TransferDeclineView(APIView):
    required_scopes = {"POST": [Scope.REFERRALS_APPROVE]}

    @extend_schema(request=s.DeclineInputSerializer, responses={200: s.TransferSerializer},
                   summary="Decline as the second person, saying why")  # fmt: skip
    def post(self, request: Request, transfer_id: int) -> Response:
        data = _valid(s.DeclineInputSerializer, request.data)
        transfer = _call(services.transfer_decline, actor=request.user, transfer=_transfer(transfer_id),
                         note=data["note"])  # fmt: skip
        return Response(s.TransferSerializer(transfer).data)


class ReceivedView(APIView):
    required_scopes = {"GET": [Scope.REFERRALS_READ_RECEIVED]}

    @extend_schema(parameters=[s.ReceivedQuerySerializer], responses=s.ReceivedSerializer,
                   summary="What partners sent us about their cases (aggregates, summaries, transfers)")  # fmt: skip
    def get(self, request: Request) -> Response:
        query = _valid(s.ReceivedQuerySerializer, request.query_params)
        received = selectors.received_summary_for(
            organisation=request.membership.organisation, user=request.user, source_id=query.get("source")
        )
        return Response(s.ReceivedSerializer(received).data)
