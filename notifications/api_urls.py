"""Filled in by the notification centre (issue 12)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
