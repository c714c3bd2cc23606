"""The eleven node types of graph format v1: config schema, bounds and edge kinds.

GET /api/node-types/ serves these; the structure stage of validation enforces the
bounds and edge kinds from the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workflows.contract import configs

EDGE_KINDS = ("condition", "default", "outcome", "on_error", "timeout")
"""Special edge kinds; an edge without one of these keys is a plain edge."""


@dataclass(frozen=True, slots=True)
class NodeType:
    """One node type. `max_*` None means unbounded; `edge_kinds` are the special kinds
    allowed on edges leaving a node of this type. `max_plain_outgoing` is how many plain
    (unmarked) edges may leave it: one for every type except parallel and condition."""

    type: str
    label: str
    icon: str
    description: str
    category: str
    config_schema: dict[str, Any]
    min_incoming: int
    max_incoming: int | None
    min_outgoing: int
    max_outgoing: int | None
    edge_kinds: tuple[str, ...] = ()
    max_plain_outgoing: int | None = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "label": self.label,
            "icon": self.icon,
            "description": self.description,
            "category": self.category,
            "config_schema": self.config_schema,
            "min_incoming": self.min_incoming,
            "max_incoming": self.max_incoming,
            "min_outgoing": self.min_outgoing,
            "max_outgoing": self.max_outgoing,
            "edge_kinds": list(self.edge_kinds),
        }


START_END, ACTIVITIES, FLOW, WAITS, HUMAN = "start/end", "activities", "flow", "waits", "human"

NODE_TYPES: dict[str, NodeType] = {
    spec.type: spec
    for spec in (
        NodeType(
            "start", "Start", "play", "Where every instance begins; exactly one per graph",
            START_END, configs.EMPTY, 0, 0, 1, 1,
        ),
        NodeType(
            "end", "End", "stop", "Finishes its path; the instance completes when no path is active",
            START_END, configs.END, 1, None, 0, 0,
        ),
        NodeType(
            "task", "Task", "cog", "Runs a registered action on a worker",
            ACTIVITIES, configs.TASK, 1, None, 1, 2, ("on_error",),
        ),
        NodeType(
            "approval", "Approval", "user-check", "Opens a human task and waits for its outcome",
            HUMAN, configs.APPROVAL, 1, None, 1, None, ("outcome", "timeout"),
        ),
        NodeType(
            "condition", "Condition", "git-branch",
            "Takes the first outgoing edge whose condition is true, else the default edge",
            FLOW, configs.EMPTY, 1, None, 2, None, ("condition", "default"), max_plain_outgoing=0,
        ),
        NodeType(
            "parallel", "Parallel", "split", "Starts every outgoing edge at once",
            FLOW, configs.EMPTY, 1, None, 2, None, max_plain_outgoing=None,
        ),
        NodeType(
            "join", "Join", "merge", "Waits until every incoming path has arrived, then continues once",
            FLOW, configs.EMPTY, 2, None, 1, 1,
        ),
        NodeType(
            "timer", "Timer", "clock", "Waits for a duration or until a moment",
            WAITS, configs.TIMER, 1, None, 1, 1,
        ),
        NodeType(
            "signal", "Signal", "radio", "Waits for a named event sent to the instance",
            WAITS, configs.SIGNAL, 1, None, 1, 2, ("timeout",),
        ),
        NodeType(
            "subworkflow", "Subworkflow", "layers", "Starts another published workflow and waits for it",
            ACTIVITIES, configs.SUBWORKFLOW, 1, None, 1, 2, ("on_error",),
        ),
        NodeType(
            "set", "Set variables", "edit", "Assigns variables from expressions",
            ACTIVITIES, configs.SET, 1, None, 1, 1,
        ),
    )
}  # fmt: skip


def node_types_json() -> list[dict[str, Any]]:
    return [spec.as_json() for spec in NODE_TYPES.values()]
