"""factory_boy factories shared by every test layer (users, groups, definitions, versions)."""

from __future__ import annotations

import copy
from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from workflows.contract.canonical import checksum
from workflows.models import DefinitionPermission, Role, WorkflowDefinition, WorkflowVersion

PASSWORD = "correct-horse-battery-staple"

MINIMAL_GRAPH: dict[str, Any] = {
    "format": "flowdesk.graph/v1",
    "inputs": {},
    "nodes": [
        {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}, "config": {}},
        {"id": "end", "type": "end", "name": "End", "position": {"x": 200, "y": 0}, "config": {}},
    ],
    "edges": [{"id": "e1", "source": "start", "target": "end"}],
}
"""The smallest graph that publishes: start -> end."""


def minimal_graph() -> dict[str, Any]:
    return copy.deepcopy(MINIMAL_GRAPH)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.set(extracted)
        if create:
            self.save()


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"group{n}")


class DefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkflowDefinition

    key = factory.Sequence(lambda n: f"workflow-{n}")
    name = factory.LazyAttribute(lambda definition: definition.key.replace("-", " ").title())
    description = ""
    tags = factory.LazyFunction(list)
    owner = factory.SubFactory(UserFactory)
    graph = factory.LazyFunction(minimal_graph)


class DefinitionPermissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DefinitionPermission

    definition = factory.SubFactory(DefinitionFactory)
    user = factory.SubFactory(UserFactory)
    group = None
    role = Role.VIEWER


class VersionFactory(factory.django.DjangoModelFactory):
    """A published version holding its definition's current graph (created directly,
    without validation: use services.versions.version_publish to test publishing)."""

    class Meta:
        model = WorkflowVersion

    definition = factory.SubFactory(DefinitionFactory)
    number = factory.LazyAttribute(
        lambda v: (v.definition.versions.order_by("-number").first() or _Zero()).number + 1
    )
    graph = factory.LazyAttribute(lambda v: copy.deepcopy(v.definition.graph))
    checksum = factory.LazyAttribute(lambda v: checksum(v.graph))
    published_by = factory.LazyAttribute(lambda v: v.definition.owner)
    published_at = factory.LazyFunction(timezone.now)
    notes = ""


class _Zero:
    number = 0
