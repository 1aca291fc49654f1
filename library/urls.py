"""Pages under /library/ on an organisation's host."""

from django.urls import path

from library import views

app_name = "library"

urlpatterns = [
    path("", views.library, name="index"),
    path("ours/", views.ours, name="ours"),
    path("new/", views.new, name="new"),
    path("<int:practice_id>/", views.detail, name="detail"),
    path("<int:practice_id>/edit/", views.edit, name="edit"),
    path("<int:practice_id>/publish/", views.publish, name="publish"),
    path("<int:practice_id>/withdraw/", views.withdraw, name="withdraw"),
]
