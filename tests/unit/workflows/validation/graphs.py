"""Small graph builders for validation tests (no database)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[4] / "workflows" / "demo" / "examples"
EXAMPLE_GROUPS = {"managers", "finance", "directors", "team-leads", "hr", "soc-analysts", "soc-leads"}


def load_example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text())


def node(node_id: str, node_type: str, **config: Any) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": node_type,
        "name": node_id.title(),
        "position": {"x": 0, "y": 0},
        "config": config,
    }


def edge(edge_id: str, source: str, target: str, **marks: Any) -> dict[str, Any]:
    return {"id": edge_id, "source": source, "target": target, **marks}


def graph(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], inputs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    return {"format": "flowdesk.graph/v1", "inputs": dict(inputs or {}), "nodes": nodes, "edges": edges}


def chain(*middle: dict[str, Any], inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """start -> middle nodes in order -> end."""
    nodes = [node("start", "start"), *middle, node("end", "end")]
    edges = [edge(f"e{i}", a["id"], b["id"]) for i, (a, b) in enumerate(itertools.pairwise(nodes), 1)]
    return graph(nodes, edges, inputs)


APPROVAL = {"assignees": {"groups": ["managers"]}}


@dataclass
class FakePort:
    """An installation with a few users, groups and published definitions."""

    users: set[str] = field(default_factory=lambda: {"alice", "bob"})
    groups: set[str] = field(default_factory=lambda: set(EXAMPLE_GROUPS))
    definitions: dict[str, set[int]] = field(default_factory=lambda: {"child": {1, 2}, "draft-only": set()})
    permissions: set[str] = field(default_factory=set)
    questions: int = 0

    def existing_users(self, usernames: set[str]) -> set[str]:
        self.questions += 1
        return usernames & self.users

    def existing_groups(self, names: set[str]) -> set[str]:
        self.questions += 1
        return names & self.groups

    def published_versions(self, keys: set[str]) -> dict[str, set[int]]:
        self.questions += 1
        return {key: versions for key, versions in self.definitions.items() if key in keys}

    def author_has_permission(self, permission: str) -> bool:
        return permission in self.permissions


def big_graph(size: int) -> dict[str, Any]:
    """A realistic graph of `size` nodes: repeated sections of a task whose params read
    the previous step, a set node, a condition with a guarded path and a default, two set
    nodes and an approval, every expression distinct; start and end close it."""
    nodes = [node("start", "start")]
    edges: list[dict[str, Any]] = []
    pending: tuple[str, dict[str, Any]] = ("start", {})

    def link(source: str, target: str, **marks: Any) -> None:
        edges.append(edge(f"e{len(edges)}", source, target, **marks))

    def attach(target: str) -> None:
        link(pending[0], target, **pending[1])

    i = 0
    while len(nodes) + 6 <= size - 1:
        task, assign, branch, left, right, approve = (
            f"{kind}{i}" for kind in ("task", "set", "if", "l", "r", "ok")
        )
        nodes += [
            node(task, "task", action="core.echo",
                 params={"to": "{{ input.email }}", "n": f"{{{{ steps.{pending[0]}.output }}}} #{i}"},
                 output=f"out{i}", retry={"max_attempts": 3, "backoff_seconds": 1}),
            node(assign, "set", assign={f"v{i}": f"vars.v{i - 1} + {i}" if i else "1"}),
            node(branch, "condition"),
            node(left, "set", assign={f"l{i}": f"input.amount * {i}"}),
            node(right, "set", assign={f"r{i}": f"lower(input.email) == 'x{i}'"}),
            node(approve, "approval", assignees={"groups": ["managers"]}, outcomes=["approved", "rejected"]),
        ]  # fmt: skip
        attach(task)
        link(task, assign)
        link(assign, branch)
        link(branch, left, condition=f"vars.v{i} > {i * 10}")
        link(branch, right, default=True)
        link(left, approve)
        link(right, approve)
        link(approve, "end", outcome="rejected")
        pending, i = (approve, {"outcome": "approved"}), i + 1
    while len(nodes) < size - 1:
        pad = f"pad{len(nodes)}"
        nodes.append(node(pad, "set", assign={pad: str(len(nodes))}))
        attach(pad)
        pending = (pad, {})
    nodes.append(node("end", "end", result="done"))
    attach("end")
    return graph(nodes, edges, {"email": {"type": "string"}, "amount": {"type": "number"}})
