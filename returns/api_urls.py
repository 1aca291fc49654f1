"""API endpoints under /api/v1/return/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
