"""API endpoints under /api/v1/notifications/."""

from django.urls import path

from notifications import api

urlpatterns = [
    path("", api.NotificationListView.as_view(), name="api_notifications"),
    path("read-all/", api.NotificationReadAllView.as_view(), name="api_notifications_read_all"),
    path("preferences/", api.PreferencesView.as_view(), name="api_notifications_preferences"),
    path("<int:notification_id>/read/", api.NotificationReadView.as_view(), name="api_notification_read"),
]
