"""API endpoints under /api/v1/library/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
