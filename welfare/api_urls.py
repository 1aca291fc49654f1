"""API endpoints under /api/v1/welfare/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
