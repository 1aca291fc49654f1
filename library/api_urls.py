"""API endpoints under /api/v1/library/."""

from django.urls import path

from library import api

urlpatterns = [
    path("practices/", api.PracticeListView.as_view(), name="api_library_practices"),
    path("practices/<int:practice_id>/", api.PracticeDetailView.as_view(), name="api_library_practice"),
    path("practices/<int:practice_id>/publish/", api.PracticePublishView.as_view(), name="api_library_publish"),
    path("practices/<int:practice_id>/withdraw/", api.PracticeWithdrawView.as_view(), name="api_library_withdraw"),
]
