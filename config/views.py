"""Site-wide pages and endpoints: home, the API root and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from config.health import health_report

API_ROOT_LINKS = {
    "definitions": "api:definition-list",
    "node_types": "api:node-types",
    "graph_schema": "api:graph-schema",
    "instances": "api:instance-list",
    "tasks": "api:task-list",
    "health": "api-health",
    "schema": "api-schema",
    "docs": "api-docs",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


class ApiRootApi(APIView):
    """Entry point of the REST API: links to every collection."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        links = {}
        for name, url_name in API_ROOT_LINKS.items():
            try:
                links[name] = reverse(url_name, request=request)
            except NoReverseMatch:  # an app that does not serve this collection yet
                continue
        return Response(links)


class ApiNotFoundApi(APIView):
    """Any unknown path under /api/: a 404 in the API's error format, not an HTML page."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        raise NotFound("There is no API endpoint at this address.")

    post = put = patch = delete = get


class HealthApi(APIView):
    """Report the database, broker, channel layer and workers: 200 when all answer, else 503."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Health of every component",
        responses={200: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        report = health_report()
        if not (request.user.is_authenticated and request.user.is_staff):
            # Load balancers need no login; error details are for staff only.
            report["components"] = {name: {"ok": part["ok"]} for name, part in report["components"].items()}
        return Response(report, status=200 if report["healthy"] else 503)
