"""WebSocket routes. Live notifications (a later issue) add their consumers here."""

from django.urls import path

from hub.consumers import PresenceConsumer

websocket_urlpatterns = [
    path("ws/presence/", PresenceConsumer.as_asgi()),
]
