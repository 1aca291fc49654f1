"""API endpoints under /api/v1/partners/."""

from django.urls import path

from partners import api

urlpatterns = [
    path("reports/", api.ReportListView.as_view(), name="api_partner_reports"),
    path("reports/<int:report_id>/", api.ReportDetailView.as_view(), name="api_partner_report"),
    path("reports/<int:report_id>/sign-off/", api.ReportSignOffView.as_view(), name="api_partner_report_sign_off"),
    path("assurance/", api.AssuranceView.as_view(), name="api_partner_assurance"),
    path("received/<int:record_id>/", api.ReceivedView.as_view(), name="api_partner_received"),
    path("received/<int:record_id>/comments/", api.CommentView.as_view(), name="api_partner_received_comments"),
]
