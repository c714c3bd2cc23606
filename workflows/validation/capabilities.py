"""Stage 4: what the graph needs from the installation (actions, people, other workflows).

The questions that need the database go through `CapabilityPort`, so this module (and
unit tests of it) need no ORM; `workflows.services.capabilities` answers them for real.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Protocol

from workflows.validation import problems as p
from workflows.validation.graph_index import GraphIndex, NodeEntry
from workflows.validation.problems import Problem
from workflows.validation.schema_stage import ActionLookup


class CapabilityPort(Protocol):
    """What validation asks the installation, in batches (one question per kind)."""

    def existing_users(self, usernames: set[str]) -> set[str]:
        """The given usernames that belong to active users."""
        ...

    def existing_groups(self, names: set[str]) -> set[str]:
        """The given group names that exist."""
        ...

    def published_versions(self, keys: set[str]) -> Mapping[str, set[int]]:
        """For each given definition key the author may see, its published version numbers
        (possibly empty); keys that do not exist (or are hidden) are absent."""
        ...

    def author_has_permission(self, permission: str) -> bool:
        """Whether the graph's author holds the Django permission ("app_label.codename")."""
        ...


def check_capabilities(
    index: GraphIndex, actions: ActionLookup, port: CapabilityPort | None
) -> list[Problem]:
    found: list[Problem] = []
    users: dict[str, list[tuple[NodeEntry, str]]] = defaultdict(list)
    groups: dict[str, list[tuple[NodeEntry, str]]] = defaultdict(list)
    subworkflows: list[NodeEntry] = []
    permissions: dict[str, bool] = {}
    for node in index.node_list:
        base, config = f"nodes[{node.index}].config", node.config
        if node.type == "task":
            found.extend(_action(node, config.get("action"), f"{base}.action", actions, port, permissions))
            compensate = config.get("compensate")
            if isinstance(compensate, dict):
                found.extend(
                    _action(
                        node,
                        compensate.get("action"),
                        f"{base}.compensate.action",
                        actions,
                        port,
                        permissions,
                    )
                )
        elif node.type == "approval":
            assignees = config.get("assignees")
            if isinstance(assignees, dict):
                _collect(assignees.get("users"), f"{base}.assignees.users", node, users)
                _collect(assignees.get("groups"), f"{base}.assignees.groups", node, groups)
            sla = config.get("sla")
            escalate = sla.get("escalate") if isinstance(sla, dict) else None
            if isinstance(escalate, dict):
                _collect(escalate.get("to_groups"), f"{base}.sla.escalate.to_groups", node, groups)
        elif node.type == "subworkflow" and isinstance(config.get("definition"), str):
            subworkflows.append(node)
    if port is None:
        return found
    if users:
        known = port.existing_users(set(users))
        found.extend(_unknown(users, known, "user"))
    if groups:
        known = port.existing_groups(set(groups))
        found.extend(_unknown(groups, known, "group"))
    if subworkflows:
        versions = port.published_versions({node.config["definition"] for node in subworkflows})
        found.extend(_subworkflows(subworkflows, versions))
    return found


def _action(
    node: NodeEntry,
    name: object,
    path: str,
    actions: ActionLookup,
    port: CapabilityPort | None,
    permissions: dict[str, bool],
) -> Iterator[Problem]:
    if not isinstance(name, str):
        return  # missing or mistyped: the schema stage says so
    spec = actions(name)
    if spec is None:
        yield Problem(
            p.UNKNOWN_ACTION, f"no action called {name[:100]!r} is registered", node=node.id, path=path
        )
        return
    if spec.permission is None or port is None:
        return
    if spec.permission not in permissions:
        permissions[spec.permission] = port.author_has_permission(spec.permission)
    if not permissions[spec.permission]:
        yield Problem(
            p.ACTION_NOT_PERMITTED,
            f"using {name} needs the permission {spec.permission}, which the author does not hold",
            node=node.id,
            path=path,
        )


def _collect(
    values: object, path: str, node: NodeEntry, into: dict[str, list[tuple[NodeEntry, str]]]
) -> None:
    if not isinstance(values, list):
        return
    for position, value in enumerate(values):
        if isinstance(value, str) and value and "{{" not in value:  # templates are resolved at run time
            into[value].append((node, f"{path}[{position}]"))


def _unknown(wanted: dict[str, list[tuple[NodeEntry, str]]], known: set[str], kind: str) -> Iterator[Problem]:
    for name, places in wanted.items():
        if name in known:
            continue
        for node, path in places:
            yield Problem(
                p.UNKNOWN_ASSIGNEE, f"there is no {kind} called {name[:150]!r}", node=node.id, path=path
            )


def _subworkflows(nodes: list[NodeEntry], versions: Mapping[str, set[int]]) -> Iterator[Problem]:
    for node in nodes:
        key, pinned = node.config["definition"], node.config.get("version")
        base = f"nodes[{node.index}].config"
        if key not in versions:
            yield Problem(p.UNKNOWN_SUBWORKFLOW, f"there is no workflow definition {key!r}", node=node.id,
                          path=f"{base}.definition")  # fmt: skip
        elif isinstance(pinned, int) and not isinstance(pinned, bool):
            if pinned not in versions[key]:
                yield Problem(p.UNKNOWN_SUBWORKFLOW, f"version {pinned} of {key!r} is not published", node=node.id,
                              path=f"{base}.version")  # fmt: skip
        elif not versions[key]:
            yield Problem(p.UNKNOWN_SUBWORKFLOW, f"{key!r} has no published version yet", node=node.id,
                          path=f"{base}.definition")  # fmt: skip
