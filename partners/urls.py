"""Pages under /partners/ on an organisation's host."""

from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.assurance, name="assurance"),
    path("received/<int:record_id>/", views.received, name="received"),
    path("training/partners/", views.partner_training, name="partner_training"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>/", views.report, name="report"),
    path("reports/<int:report_id>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:report_id>/sign-off/", views.report_sign_off, name="report_sign_off"),
    path("training/", views.training, name="training"),
]
