"""API endpoints under /api/v1/referrals/."""

from django.urls import path

from referrals import api

urlpatterns = [
    path("cases/<int:case_id>/summary/", api.CaseSummaryView.as_view(), name="api_referrals_summary"),
    path("cases/<int:case_id>/transfers/", api.CaseTransferView.as_view(), name="api_referrals_transfer"),
    path("transfers/", api.TransferListView.as_view(), name="api_referrals_transfers"),
    path("transfers/<int:transfer_id>/approve/", api.TransferApproveView.as_view(), name="api_referrals_approve"),
    path("transfers/<int:transfer_id>/decline/", api.TransferDeclineView.as_view(), name="api_referrals_decline"),
    path("received/", api.ReceivedView.as_view(), name="api_referrals_received"),
]
