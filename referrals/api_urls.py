"""API endpoints under /api/v1/referrals/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
