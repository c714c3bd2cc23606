"""The tasks API: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.api.serializers import (
    CommentOutputSerializer,
    DecisionOutputSerializer,
    EventOutputSerializer,
    TaskOutputSerializer,
)
from approvals.selectors import inbox as inbox_selectors
from approvals.selectors.inbox import InboxFilters, InboxPaginator, InboxQuery
from approvals.selectors.tasks import task_get_for_user, task_view
from approvals.services.assignment import task_claim, task_delegate, task_unclaim
from approvals.services.comments import comment_add
from approvals.services.deciding import task_decide, tasks_decide_bulk


class InboxPagination(PageNumberPagination):
    """Page numbers over `InboxPaginator`: `count` is exact up to COUNT_CAP tasks, and
    `count_exact` (as in `config.pagination.CappedCountPagination`) is false when there
    are more than that."""

    django_paginator_class = InboxPaginator
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        capped = self.page.paginator.capped
        response.data["count_exact"] = not capped
        if capped:  # the paginator counted one past the cap to know it is over it
            response.data["count"] = inbox_selectors.COUNT_CAP
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when more than {inbox_selectors.COUNT_CAP:,} tasks match (count is then the cap).",
        }
        return described


def _detail(task_id: Any, user: Any) -> dict[str, Any]:
    task = task_get_for_user(task_id, user)
    view = task_view(task, user)
    body = TaskOutputSerializer(task).data
    body.update(
        form=list(task.request.form),
        can_decide=view.can_decide,
        cannot_decide_because=view.refusal,
        can_claim=view.can_claim,
        can_unclaim=view.can_unclaim,
        delegated_by=task.delegated_by.get_username() if task.delegated_by else None,
        delegation_note=task.delegation_note,
        instance=view.instance_summary | body["instance"],
        decisions=[DecisionOutputSerializer(d).data for d in view.decisions],
        comments=[CommentOutputSerializer(c).data for c in view.comments],
        history=[EventOutputSerializer(e).data for e in view.history],
    )
    return body


class TaskListApi(APIView):
    """GET /api/tasks/: the inbox. Filters: scope, workflow, sla, due_before, due_after, q, ordering."""

    @extend_schema(operation_id="tasks_list", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        filters = InboxFilters.parse(request.query_params)
        paginator = InboxPagination()
        page = paginator.paginate_queryset(InboxQuery(request.user, filters), request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response([TaskOutputSerializer(task).data for task in page or []])


class TaskDetailApi(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, task_id: int) -> Response:
        return Response(_detail(task_id, request.user))


class TaskClaimApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, task_id: int) -> Response:
        task_claim(task_id=task_id, actor=request.user)
        return Response(_detail(task_id, request.user))


class TaskUnclaimApi(APIView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, task_id: int) -> Response:
        task_unclaim(task_id=task_id, actor=request.user)
        return Response(_detail(task_id, request.user))


class TaskDelegateApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DelegateInput"

        to = serializers.CharField(max_length=150)
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, task_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task_delegate(task_id=task_id, actor=request.user, **data.validated_data)
        return Response(_detail(task_id, request.user))


class TaskDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DecideInput"

        outcome = serializers.CharField(max_length=64)
        form = serializers.JSONField(required=False, default=dict)
        comment = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, task_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task_decide(task_id=int(task_id), actor=request.user, **data.validated_data)  # 404 before any lock
        return Response(_detail(task_id, request.user))


class TaskBulkDecideApi(APIView):
    """POST /api/tasks/bulk-decide/ {tasks: [ids], outcome, comment}: tasks that need no form input."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BulkDecideInput"

        tasks = serializers.ListField(
            child=serializers.IntegerField(min_value=1), min_length=1, max_length=200
        )
        outcome = serializers.CharField(max_length=64)
        comment = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = tasks_decide_bulk(
            task_ids=data.validated_data["tasks"],
            actor=request.user,
            outcome=data.validated_data["outcome"],
            comment=data.validated_data["comment"],
        )
        return Response({"decided": result.decided, "failed": {str(k): v for k, v in result.failed.items()}})


class TaskCommentsApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CommentInput"

        body = serializers.CharField(max_length=10_000)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, task_id: int) -> Response:
        task = task_get_for_user(task_id, request.user)
        comments = task.request.comments.select_related("author").order_by("created_at", "pk")
        return Response([CommentOutputSerializer(c).data for c in comments])

    @extend_schema(request=InputSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, task_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comment_add(task_id=task_id, author=request.user, body=data.validated_data["body"])
        return Response(CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)
