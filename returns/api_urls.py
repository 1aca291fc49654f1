"""API endpoints under /api/v1/return/."""

from django.urls import path

from returns import api

urlpatterns = [
    path("", api.ReturnListView.as_view(), name="api_returns"),
    path("<int:return_id>/", api.ReturnDetailView.as_view(), name="api_return"),
    path("<int:return_id>/sign-off/", api.ReturnSignOffView.as_view(), name="api_return_sign_off"),
    path("<int:return_id>/export/", api.ReturnExportView.as_view(), name="api_return_export"),
]
