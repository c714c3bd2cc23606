"""Designer pages, included at the site root: /designer/ and /designer/<key>/."""

from __future__ import annotations

from django.urls import path

from designer import views

app_name = "designer"

urlpatterns = [
    path("designer/", views.definition_list, name="list"),
    path("designer/<slug:key>/", views.definition_edit, name="edit"),
]
