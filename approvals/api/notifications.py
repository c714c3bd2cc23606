"""In-app notifications API: the current user's list, and marking them read."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import Notification
from approvals.services.notifications import notifications_mark_read


def _row(n: Notification) -> dict[str, object]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "task": n.task_id,
        "created_at": n.created_at,
        "read": n.read_at is not None,
    }


class NotificationListApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        rows = Notification.objects.filter(user=request.user)
        if request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(rows.order_by("-created_at", "-pk"), request, view=self)
        response = paginator.get_paginated_response([_row(n) for n in page or []])
        response.data["unread"] = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        return response


class NotificationReadApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "NotificationReadInput"

        ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=1000)

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked_read": changed})
