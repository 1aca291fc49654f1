"""Pages under /library/ on an organisation's host."""

from django.urls import path  # noqa: F401

app_name = "library"

urlpatterns: list = []
