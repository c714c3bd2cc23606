"""Request and response shapes of the instances API (types only: rules live in services)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.api.serializers import GraphField, StrictCharField, StrictInput
from workflows.models import ExecutionEvent, StepExecution, WorkflowInstance


class JsonObjectField(serializers.JSONField):
    """A JSON object (a dict)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected a JSON object.")
        return data


class InstanceStartInput(StrictInput):
    definition = StrictCharField(max_length=64)
    version = serializers.IntegerField(required=False, min_value=1, allow_null=True)
    input = JsonObjectField(required=False, default=dict)
    business_key = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    correlation_id = StrictCharField(required=False, allow_blank=True, max_length=200, default="")


class CancelInput(StrictInput):
    compensate = serializers.BooleanField(required=False, default=False)
    reason = StrictCharField(required=False, allow_blank=True, max_length=500, default="")


class SkipInput(StrictInput):
    output = serializers.JSONField(required=False, default=None, allow_null=True)


class SimulateInput(StrictInput):
    graph = GraphField(required=False)
    input = JsonObjectField(required=False, default=dict)
    approvals = JsonObjectField(required=False, default=dict)
    signals = JsonObjectField(required=False, default=dict)


class StepOutput(serializers.ModelSerializer[StepExecution]):
    """A step; the error's traceback only for staff (context `staff`)."""

    error = serializers.SerializerMethodField()
    compensation = serializers.SerializerMethodField()

    class Meta:
        model = StepExecution
        fields = [
            "id", "node_id", "node_type", "visit", "via_edge", "status", "attempt", "action", "params",
            "output", "error", "arrivals", "not_before", "timeout_seconds", "created_at", "dispatched_at",
            "started_at", "finished_at", "worker", "redeliveries", "compensation",
        ]  # fmt: skip
        read_only_fields = fields

    def _staff(self) -> bool:
        return bool(self.context.get("staff"))

    def _clean(self, error: Any) -> Any:
        if isinstance(error, dict) and not self._staff():
            return {k: v for k, v in error.items() if k != "traceback"}
        return error

    @extend_schema_field({"type": "object", "nullable": True})
    def get_error(self, step: StepExecution) -> Any:
        return self._clean(step.error)

    @extend_schema_field({"type": "object", "nullable": True})
    def get_compensation(self, step: StepExecution) -> Any:
        if not step.compensation:
            return None
        data = dict(step.compensation)
        if "error" in data:
            data["error"] = self._clean(data["error"])
        return {**data, "attempt": step.compensation_attempt}


class InstanceSummaryOutput(serializers.ModelSerializer[WorkflowInstance]):
    definition = serializers.CharField(source="definition.key")
    version = serializers.IntegerField(source="version.number")
    started_by = serializers.CharField(source="started_by.username", allow_null=True, default=None)
    parent = serializers.UUIDField(source="parent_id", allow_null=True)

    class Meta:
        model = WorkflowInstance
        fields = [
            "id", "definition", "version", "status", "business_key", "correlation_id", "started_by",
            "started_on_deprecated", "parent", "depth", "created_at", "updated_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ChildOutput(serializers.ModelSerializer[WorkflowInstance]):
    """A child instance started by one of this instance's subworkflow steps."""

    definition = serializers.CharField(source="definition.key")
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = WorkflowInstance
        fields = ["id", "definition", "version", "status", "parent_step_id", "created_at", "finished_at"]
        read_only_fields = fields


class InstanceOutput(InstanceSummaryOutput):
    steps = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    last_seq = serializers.IntegerField()

    class Meta(InstanceSummaryOutput.Meta):
        fields = [
            *InstanceSummaryOutput.Meta.fields,
            "input", "vars", "result", "error", "last_seq", "steps", "warnings", "permissions",
            "parent_step_id", "children",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(StepOutput(many=True))
    def get_steps(self, instance: WorkflowInstance) -> Any:
        steps = self.context.get("steps", [])
        return StepOutput(steps, many=True, context=self.context).data

    @extend_schema_field(ChildOutput(many=True))
    def get_children(self, instance: WorkflowInstance) -> Any:
        from workflows.waits.selectors import instance_children

        return ChildOutput(instance_children(instance), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, instance: WorkflowInstance) -> list[str]:
        if instance.started_on_deprecated:
            return [f"Version {instance.version.number} was deprecated when this instance started."]
        return []

    @extend_schema_field({"type": "object", "properties": {"can_operate": {"type": "boolean"}}})
    def get_permissions(self, instance: WorkflowInstance) -> dict[str, bool]:
        return {"can_operate": bool(self.context.get("can_operate"))}


class EventOutput(serializers.ModelSerializer[ExecutionEvent]):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)

    class Meta:
        model = ExecutionEvent
        fields = ["seq", "type", "step_id", "node_id", "actor", "payload", "created_at"]
        read_only_fields = fields


class SimulationStepOutput(serializers.Serializer):
    node = serializers.CharField()
    edge = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    type = serializers.CharField()
    visit = serializers.IntegerField()
    attempts = serializers.IntegerField()
    output = serializers.JSONField(allow_null=True)
    error = serializers.JSONField(allow_null=True)
    outcome = serializers.CharField(allow_null=True)


class SimulationOutput(serializers.Serializer):
    status = serializers.CharField()
    result = serializers.JSONField(allow_null=True)
    vars = serializers.JSONField()
    error = serializers.JSONField(allow_null=True)
    path = SimulationStepOutput(many=True)
    edges = serializers.ListField(child=serializers.CharField())
    compensated = serializers.ListField(child=serializers.CharField())
    waiting = serializers.JSONField()
    events = serializers.IntegerField()
    simulated_seconds = serializers.FloatField()
    aborted = serializers.BooleanField()
