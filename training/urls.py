"""Pages under /training/ on an organisation's host."""

from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("overdue/", views.overdue, name="overdue"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("courses/<int:course_id>/requirements/", views.requirement_add, name="requirement_add"),
    path("requirements/<int:requirement_id>/remove/", views.requirement_remove, name="requirement_remove"),
    path("people/", views.staff, name="staff"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("completions/<int:completion_id>/delete/", views.completion_delete, name="completion_delete"),
    path("import/", views.import_completions, name="import"),
    path("export/coverage.csv", views.export_csv, name="export_csv"),
    path("export/coverage.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/overdue.csv", views.export_overdue_csv, name="export_overdue_csv"),
]
