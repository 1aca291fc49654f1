"""API endpoints under /api/v1/risks/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
