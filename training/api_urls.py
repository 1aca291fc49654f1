"""API endpoints under /api/v1/training/."""

from django.urls import path

from training import api

urlpatterns = [
    path("courses/", api.CourseListView.as_view(), name="api_training_courses"),
    path("people/", api.StaffListView.as_view(), name="api_training_people"),
    path("completions/", api.CompletionListView.as_view(), name="api_training_completions"),
    path("coverage/", api.CoverageView.as_view(), name="api_training_coverage"),
    path("import/", api.ImportView.as_view(), name="api_training_import"),
]
