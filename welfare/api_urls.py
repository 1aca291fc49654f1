"""API endpoints under /api/v1/welfare/."""

from django.urls import path

from welfare import api

urlpatterns = [
    path("concerns/", api.ConcernListView.as_view(), name="api_welfare_concerns"),
    path("triage/", api.TriageQueueView.as_view(), name="api_welfare_triage_queue"),
    path("concerns/<int:concern_id>/triage/", api.TriageView.as_view(), name="api_welfare_triage"),
    path("cases/", api.CaseListView.as_view(), name="api_welfare_cases"),
    path("cases/<int:case_id>/", api.CaseDetailView.as_view(), name="api_welfare_case"),
    path("cases/<int:case_id>/entries/", api.CaseEntryView.as_view(), name="api_welfare_case_entries"),
    path("cases/<int:case_id>/escalation/", api.EscalationView.as_view(), name="api_welfare_case_escalation"),
]
