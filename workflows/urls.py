"""Pages of the workflows app at the site root: instances, the dashboard, and /metrics."""

from __future__ import annotations

from django.urls import path

from workflows.observability.views import metrics

app_name = "workflows"

urlpatterns = [
    path("metrics", metrics, name="metrics"),
]
