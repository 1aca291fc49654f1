"""Pages under /welfare/ on an organisation's host."""

from django.urls import path  # noqa: F401

app_name = "welfare"

urlpatterns: list = []

# Subject access and retention (welfare.views_sar).
from welfare import views_sar  # noqa: E402

urlpatterns += [
    path("subject-access/", views_sar.subject_access, name="subject_access"),
    path("subject-access/export/", views_sar.subject_access_export, name="subject_access_export"),
    path("retention/", views_sar.retention_review, name="retention"),
]
