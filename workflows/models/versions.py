"""Published versions: immutable, checksummed copies of a definition's graph."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflows.models.definitions import WorkflowDefinition


class VersionStatus(models.TextChoices):
    PUBLISHED = "published", "Published"
    DEPRECATED = "deprecated", "Deprecated"
    RETIRED = "retired", "Retired"


class WorkflowVersion(ConcurrentTransitionMixin, models.Model):
    """One published graph. The graph and checksum never change after creation.

    published: new instances may start on it (the latest published one is the default).
    deprecated: instances already running go on; new ones cannot start on it.
    retired: the same, and it is no longer offered anywhere; final.
    """

    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    graph = models.JSONField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON of the graph")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="published_workflow_versions"
    )
    published_at = models.DateTimeField()
    notes = models.TextField(blank=True, default="")
    status = FSMField(default=VersionStatus.PUBLISHED, choices=VersionStatus.choices, protected=True)

    class Meta:
        ordering = ["definition_id", "-number"]
        verbose_name = "workflow version"
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="workflow_version_unique_number"),
        ]
        indexes = [models.Index(fields=["definition", "status", "-number"])]

    def __str__(self) -> str:
        return f"{self.definition.key} v{self.number}"

    @property
    def is_startable(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @transition(field=status, source=VersionStatus.PUBLISHED, target=VersionStatus.DEPRECATED)
    def deprecate(self) -> None:
        """Stop offering this version for new instances; running ones go on."""

    @transition(
        field=status, source=[VersionStatus.PUBLISHED, VersionStatus.DEPRECATED], target=VersionStatus.RETIRED
    )
    def retire(self) -> None:
        """Retire for good (final)."""
