"""Pages of the workflows app at the site root: instances, the dashboard, and /metrics."""

from __future__ import annotations

from django.urls import path

from workflows.observability.views import metrics
from workflows.pages import views

app_name = "workflows"

urlpatterns = [
    path("instances/", views.instance_list, name="instance-list"),
    path("instances/<uuid:instance_id>/", views.instance_detail, name="instance-detail"),
    path("instances/<uuid:instance_id>/operate/", views.instance_operate, name="instance-operate"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("metrics", metrics, name="metrics"),
]
