"""API endpoints under /api/v1/figures/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
