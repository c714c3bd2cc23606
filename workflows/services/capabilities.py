"""The database side of validation stage 4 (`workflows.validation.CapabilityPort`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from workflows.models import VersionStatus, WorkflowVersion
from workflows.selectors.definitions import definitions_visible_to


class DjangoCapabilityPort:
    """Answers for one author: the user validating or publishing the graph."""

    def __init__(self, author: Any) -> None:
        self.author = author

    def existing_users(self, usernames: set[str]) -> set[str]:
        users = get_user_model().objects.filter(username__in=usernames, is_active=True)
        return set(users.values_list("username", flat=True))

    def existing_groups(self, names: set[str]) -> set[str]:
        return set(Group.objects.filter(name__in=names).values_list("name", flat=True))

    def published_versions(self, keys: set[str]) -> Mapping[str, set[int]]:
        visible = dict(definitions_visible_to(self.author).filter(key__in=keys).values_list("pk", "key"))
        found: dict[str, set[int]] = {key: set() for key in visible.values()}
        rows = WorkflowVersion.objects.filter(definition_id__in=visible, status=VersionStatus.PUBLISHED)
        for definition_id, number in rows.values_list("definition_id", "number"):
            found[visible[definition_id]].add(number)
        return found

    def author_has_permission(self, permission: str) -> bool:
        return bool(self.author is not None and self.author.has_perm(permission))
