"""Request and response shapes of the definitions API (types only: rules live in services)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.models import WorkflowDefinition, WorkflowVersion
from workflows.selectors.definitions import can_edit, can_start


class StrictCharField(serializers.CharField):
    """A string, and only a string (DRF's CharField would turn 5 into "5")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictInput(serializers.Serializer):
    """Rejects fields it does not define (except `ignored_fields`, read-only echoes)."""

    ignored_fields: frozenset[str] = frozenset()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - self.ignored_fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is not allowed here."] for name in unknown}
                )
        return super().to_internal_value(data)


class GraphField(serializers.JSONField):
    """A graph document: a JSON object (its content is checked by the validation pipeline)."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError("Expected a JSON object (a flowdesk.graph/v1 document).")
        return data


class DefinitionCreateInput(StrictInput):
    key = StrictCharField(max_length=64, trim_whitespace=False)
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    tags = serializers.ListField(child=StrictCharField(), required=False, max_length=20)
    graph = GraphField(required=False)


class DefinitionUpdateInput(StrictInput):
    ignored_fields = frozenset(
        {"key", "owner", "revision", "created_at", "updated_at", "latest_version", "permissions"}
    )
    name = StrictCharField(max_length=200, required=False)
    description = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    tags = serializers.ListField(child=StrictCharField(), required=False, max_length=20)
    graph = GraphField(required=False)


class ValidateInput(StrictInput):
    graph = serializers.JSONField(
        required=False, help_text="An unsaved graph; omit to validate the stored draft"
    )


class PublishInput(StrictInput):
    notes = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)


class PermissionsOutput(serializers.Serializer):
    can_edit = serializers.BooleanField()
    can_publish = serializers.BooleanField()
    can_start = serializers.BooleanField()


class DefinitionSummaryOutput(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username")
    latest_version = serializers.IntegerField(allow_null=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = WorkflowDefinition
        fields = [
            "key",
            "name",
            "description",
            "tags",
            "owner",
            "revision",
            "created_at",
            "updated_at",
            "latest_version",
            "permissions",
        ]

    @extend_schema_field(PermissionsOutput)
    def get_permissions(self, definition: WorkflowDefinition) -> dict[str, bool]:
        user = self.context["request"].user
        editable = can_edit(user, definition)
        return {"can_edit": editable, "can_publish": editable, "can_start": can_start(user, definition)}


class DefinitionOutput(DefinitionSummaryOutput):
    graph = serializers.JSONField()

    class Meta(DefinitionSummaryOutput.Meta):
        fields = [*DefinitionSummaryOutput.Meta.fields[:6], "graph", *DefinitionSummaryOutput.Meta.fields[6:]]


class VersionSummaryOutput(serializers.ModelSerializer):
    published_by = serializers.CharField(source="published_by.username")

    class Meta:
        model = WorkflowVersion
        fields = ["number", "status", "checksum", "published_by", "published_at", "notes"]


class VersionOutput(VersionSummaryOutput):
    graph = serializers.JSONField()

    class Meta(VersionSummaryOutput.Meta):
        fields = [*VersionSummaryOutput.Meta.fields, "graph"]


class ProblemOutput(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    node = serializers.CharField(allow_null=True)
    edge = serializers.CharField(allow_null=True)
    path = serializers.CharField(allow_null=True)


class ValidationOutput(serializers.Serializer):
    valid = serializers.BooleanField()
    problems = ProblemOutput(many=True)


class IdChangesOutput(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())


class DiffOutput(serializers.Serializer):
    nodes = IdChangesOutput()
    edges = IdChangesOutput()
    inputs = IdChangesOutput()


class ExportDocument(serializers.Serializer):
    format = serializers.CharField()
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    graph = serializers.JSONField()


class NodeTypeOutput(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    icon = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    config_schema = serializers.JSONField()
    min_incoming = serializers.IntegerField()
    max_incoming = serializers.IntegerField(allow_null=True)
    min_outgoing = serializers.IntegerField()
    max_outgoing = serializers.IntegerField(allow_null=True)
    edge_kinds = serializers.ListField(child=serializers.CharField())


class ActionOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    icon = serializers.CharField()
    params_schema = serializers.JSONField()
    output_schema = serializers.JSONField(allow_null=True)
    permission = serializers.CharField(allow_null=True)
    allowed = serializers.BooleanField(help_text="Whether you hold the permission the action needs")


class NodeTypesOutput(serializers.Serializer):
    node_types = NodeTypeOutput(many=True)
    actions = ActionOutput(many=True)
