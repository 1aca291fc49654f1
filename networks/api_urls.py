"""API endpoints under /api/v1/network/."""

from django.urls import path

from networks import api

urlpatterns = [
    path("meetings/", api.MeetingListView.as_view(), name="api_network_meetings"),
    path("meetings/<int:meeting_id>/", api.MeetingDetailView.as_view(), name="api_network_meeting"),
    path("actions/", api.ActionListView.as_view(), name="api_network_actions"),
    path("actions/<int:action_id>/", api.ActionDetailView.as_view(), name="api_network_action"),
]
