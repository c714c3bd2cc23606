"""WebSocket routes of the workflows app (collected by config/routing.py)."""

from __future__ import annotations

from django.urls import path

from workflows.realtime.consumers import DefinitionConsumer, InboxConsumer, InstanceConsumer

websocket_urlpatterns = [
    path("ws/instances/<uuid:instance_id>/", InstanceConsumer.as_asgi()),
    path("ws/definitions/<slug:key>/", DefinitionConsumer.as_asgi()),
    path("ws/inbox/", InboxConsumer.as_asgi()),
]
