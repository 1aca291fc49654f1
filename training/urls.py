"""Pages under /training/ on an organisation's host."""

from django.urls import path  # noqa: F401

app_name = "training"

urlpatterns: list = []
