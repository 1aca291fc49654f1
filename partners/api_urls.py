"""API endpoints under /api/v1/partners/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
