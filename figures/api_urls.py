"""API endpoints under /api/v1/figures/."""

from django.urls import path

from figures import api

urlpatterns = [
    path("contributions/", api.ContributionListView.as_view(), name="api_figures_contributions"),
    path("totals/", api.TotalsView.as_view(), name="api_figures_totals"),
]
