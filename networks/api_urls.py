"""API endpoints under /api/v1/network/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
