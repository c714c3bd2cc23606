"""Output shapes of the tasks API (input is parsed by each view's InputSerializer)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from approvals.models import ApprovalTask, Comment, Decision, TaskEvent


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


class TaskOutputSerializer(serializers.Serializer):
    """A task as listed in the inbox (everything comes from the list's joined query)."""

    def to_representation(self, task: ApprovalTask) -> dict[str, Any]:
        request = task.request
        sla = getattr(task, "sla", None) if _has_sla(task) else None
        return {
            "id": task.pk,
            "url": f"/api/tasks/{task.pk}/",
            "page_url": f"/inbox/{task.pk}/",
            "name": request.name,
            "node_id": request.node_id,
            "state": task.state,
            "priority": task.priority,
            "outcome": task.outcome or None,
            "policy": request.policy,
            "quorum": request.quorum if request.policy == "quorum" else None,
            "outcomes": list(request.outcomes),
            "needs_input": request.needs_input,
            "assignee": _username(task.assignee),
            "candidate_groups": [group.name for group in task.candidate_groups.all()],
            "workflow": {"key": request.definition.key, "name": request.definition.name},
            "instance": {
                "id": str(request.instance_id),
                "business_key": request.instance.business_key,
                "started_by": _username(request.started_by),
            },
            "created_at": task.created_at,
            "closed_at": task.closed_at,
            "sla": None
            if sla is None
            else {
                "state": sla.state,
                "warn_at": sla.warn_at,
                "due_at": sla.due_at,
                "breached_at": sla.breached_at,
            },
        }


def _has_sla(task: ApprovalTask) -> bool:
    try:
        task.sla  # noqa: B018 - reading the reverse one-to-one (joined by select_related)
    except ApprovalTask.sla.RelatedObjectDoesNotExist:
        return False
    return True


class DecisionOutputSerializer(serializers.Serializer):
    def to_representation(self, decision: Decision) -> dict[str, Any]:
        return {
            "task": decision.task_id,
            "decided_by": decision.decided_by,
            "kind": decision.kind,
            "outcome": decision.outcome,
            "form": decision.form,
            "comment": decision.comment,
            "reason": decision.reason,
            "decided_at": decision.decided_at,
        }


class CommentOutputSerializer(serializers.Serializer):
    def to_representation(self, comment: Comment) -> dict[str, Any]:
        return {
            "id": comment.pk,
            "task": comment.task_id,
            "author": _username(comment.author),
            "body": comment.body,
            "created_at": comment.created_at,
        }


class EventOutputSerializer(serializers.Serializer):
    def to_representation(self, event: TaskEvent) -> dict[str, Any]:
        return {
            "kind": event.kind,
            "task": event.task_id,
            "actor": _username(event.actor),
            "data": event.data,
            "at": event.at,
        }
