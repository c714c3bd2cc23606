"""Template helpers of the approval pages: SLA badges, decision form fields, refusals."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from approvals.models import ApprovalTask
from approvals.views.charts import human_duration

register = template.Library()

REFUSALS = {
    "self_approval_forbidden": "You started this workflow, so someone else has to decide this approval (four eyes).",
    "held_by_someone_else": "Someone else holds this task.",
    "not_a_candidate": "This task is not offered to you.",
    "already_decided_this_step": "You already decided another task of this approval.",
}


@register.simple_tag
def sla_badge(task: ApprovalTask) -> SafeString:
    try:
        sla = task.sla
    except ApprovalTask.sla.RelatedObjectDoesNotExist:
        sla = None
    return render_to_string("approvals/_sla.html", {"sla": sla})


@register.simple_tag
def form_field(field: dict[str, Any]) -> SafeString:
    return render_to_string("approvals/_field.html", {"field": field})


@register.filter
def task_subject(task: ApprovalTask) -> str:
    """What the task is about: the business key, else the instance input's title (or name)."""
    return task.request.subject


@register.simple_tag
def refusal_text(code: str | None) -> str:
    return REFUSALS.get(code or "", "You cannot decide this task.")


@register.simple_tag
def human_seconds(seconds: float | None) -> str:
    return human_duration(seconds)
