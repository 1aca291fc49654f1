"""API endpoints of speaker and event requests, under /api/v1/speakers/."""

from django.urls import path

from speakers import api

urlpatterns = [
    path("requests/", api.RequestListView.as_view(), name="api_speaker_requests"),
    path("requests/<int:pk>/", api.RequestDetailView.as_view(), name="api_speaker_request"),
    path("requests/<int:pk>/assess/", api.AssessView.as_view(), name="api_speaker_request_assess"),
    path("requests/<int:pk>/escalate/", api.EscalateView.as_view(), name="api_speaker_request_escalate"),
    path("requests/<int:pk>/reescalate/", api.ReescalateView.as_view(), name="api_speaker_request_reescalate"),
    path("requests/<int:pk>/decide/", api.DecideView.as_view(), name="api_speaker_request_decide"),
    path("requests/<int:pk>/withdraw/", api.WithdrawView.as_view(), name="api_speaker_request_withdraw"),
    path(
        "requests/<int:pk>/mitigations/<int:mitigation_id>/progress/",
        api.MitigationProgressView.as_view(),
        name="api_speaker_mitigation_progress",
    ),
    path("register/counts/", api.CountsView.as_view(), name="api_speaker_counts"),
    path("import/", api.ImportView.as_view(), name="api_speaker_import"),
]
