"""Pages under /figures/ on an organisation's host."""

from django.urls import path

from figures import views

app_name = "figures"

urlpatterns = [
    path("", views.index, name="index"),
    path("send/", views.send, name="send"),
    path("publish/", views.publish, name="publish"),
]
