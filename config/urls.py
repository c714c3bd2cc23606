"""URL routing: pages, the admin, the REST API under /api/ and its docs."""

from __future__ import annotations

from importlib.util import find_spec

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.views import ApiNotFoundApi, ApiRootApi, HealthApi, home


def _optional(module: str) -> list[URLPattern | URLResolver]:
    """Include an app's URL module once that app serves one."""
    try:
        found = find_spec(module) is not None
    except ModuleNotFoundError:  # the parent package does not exist yet
        found = False
    return [path("", include(module))] if found else []


api_patterns: list[URLPattern | URLResolver] = [
    path("", ApiRootApi.as_view(), name="api-root"),
    *_optional("workflows.api.urls"),
    *_optional("approvals.api.urls"),
    re_path(r"^.*$", ApiNotFoundApi.as_view(), name="not-found"),
]

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin, the API's pages).
    path("favicon.ico", RedirectView.as_view(url=static("img/favicon.svg"), permanent=True)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/health/", HealthApi.as_view(), name="api-health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include((api_patterns, "api"))),
    *_optional("designer.urls"),
    *_optional("workflows.urls"),
    *_optional("approvals.urls"),
]
