"""Workflow definitions (a key, a draft graph) and who may do what with them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models

from workflows.contract.limits import GRAPH_FORMAT, MAX_NAME_LENGTH


def initial_graph() -> dict[str, Any]:
    """The draft of a new definition: a start node only."""
    return {
        "format": GRAPH_FORMAT,
        "inputs": {},
        "nodes": [
            {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}, "config": {}}
        ],
        "edges": [],
    }


class WorkflowDefinition(models.Model):
    """A workflow being designed: its draft graph, and (through versions) what was published.

    `revision` counts saves of the draft (and name, description, tags); the API serves
    it as the ETag and a save must name the revision it started from, so two editors
    cannot overwrite each other (see services.definitions.definition_update).
    """

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=MAX_NAME_LENGTH)
    description = models.TextField(blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workflow_definitions"
    )
    graph = models.JSONField(default=initial_graph)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "workflow definition"
        permissions = [
            ("use_http_request", "Can publish workflows that use the http.request action"),
        ]
        indexes = [models.Index(fields=["owner", "key"]), models.Index(fields=["-updated_at"])]

    def __str__(self) -> str:
        return self.key


class Role(models.TextChoices):
    """What a grant allows; each role includes the ones before it."""

    VIEWER = "viewer", "Viewer (read)"
    STARTER = "starter", "Starter (read, start instances)"
    EDITOR = "editor", "Editor (read, start, edit, publish)"


ROLE_RANK = {Role.VIEWER: 1, Role.STARTER: 2, Role.EDITOR: 3}


class DefinitionPermission(models.Model):
    """A role on one definition, granted to one user or to one group."""

    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="workflow_grants",
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="workflow_grants"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = "definition permission"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False)
                ),
                name="definition_permission_user_xor_group",
            ),
            models.UniqueConstraint(
                fields=["definition", "user"],
                condition=models.Q(user__isnull=False),
                name="definition_permission_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["definition", "group"],
                condition=models.Q(group__isnull=False),
                name="definition_permission_one_per_group",
            ),
        ]

    def __str__(self) -> str:
        who = f"user {self.user_id}" if self.user_id else f"group {self.group_id}"
        return f"{who}: {self.role} on {self.definition_id}"
