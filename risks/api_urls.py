"""API endpoints under /api/v1/risks/."""

from django.urls import path

from risks import api

urlpatterns = [
    path("risks/", api.RiskListView.as_view(), name="api_risks"),
    path("risks/<int:risk_id>/", api.RiskDetailView.as_view(), name="api_risk"),
    path("actions/", api.ActionListView.as_view(), name="api_risk_actions"),
    path("actions/<int:risk_action_id>/", api.ActionDetailView.as_view(), name="api_risk_action"),
    path("overview/", api.OverviewView.as_view(), name="api_risks_overview"),
    path("share/", api.ShareView.as_view(), name="api_risks_share"),
]
