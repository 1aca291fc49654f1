"""Pages under /return/ on an organisation's host."""

from django.urls import path

from returns import views

app_name = "returns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:return_id>/", views.detail, name="detail"),
    path("<int:return_id>/records/", views.records, name="records"),
    path("<int:return_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:return_id>/export.csv", views.export_csv, name="export_csv"),
    path("<int:return_id>/export.xlsx", views.export_xlsx, name="export_xlsx"),
]
