"""Helpers for the engine unit tests: a frozen clock, seeded randomness, small graphs,
the shared example graphs, and a `Driver` that feeds events through `decide()`."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from workflows.engine import Decision, Graph, InstanceInfo, InstanceState, apply, decide, new_instance
from workflows.engine.commands import Command
from workflows.engine.events import Event, InstanceStarted
from workflows.engine.graph import EngineOptions
from workflows.engine.state import StepState

NOW = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
EXAMPLES = Path(__file__).parent / "examples"


def example(name: str) -> Graph:
    """Build one of the shared example graphs (a copy of /work/shared/examples)."""
    return Graph.build(json.loads((EXAMPLES / f"{name}.json").read_text()))


def node(node_id: str, node_type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, "name": node_id, "position": {"x": 0, "y": 0}, "config": config}


def edge(edge_id: str, source: str, target: str, **kind: Any) -> dict[str, Any]:
    return {"id": edge_id, "source": source, "target": target, **kind}


def graph(
    nodes: Iterable[dict[str, Any]],
    edges: Iterable[dict[str, Any]],
    *,
    inputs: Mapping[str, Any] | None = None,
    options: EngineOptions | None = None,
) -> Graph:
    document = {
        "format": "flowdesk.graph/v1",
        "inputs": dict(inputs or {}),
        "nodes": list(nodes),
        "edges": list(edges),
    }
    return Graph.build(document, options=options)


def chain(*node_ids: str) -> list[dict[str, Any]]:
    """Edges e1, e2, ... linking the given nodes in a line."""
    return [edge(f"e{i}", a, b) for i, (a, b) in enumerate(itertools.pairwise(node_ids), start=1)]


class Driver:
    """Feeds events to `decide()` one at a time, keeping the state and every decision.

    Checks on every call what any adapter relies on: the input state is not
    mutated, and the returned state equals the commands applied to the input.
    """

    def __init__(self, g: Graph, input: Mapping[str, Any] | None = None, *, seed: int = 7) -> None:
        self.graph = g
        self.now = NOW
        self.rng = random.Random(seed)
        self.state: InstanceState = new_instance(
            g, InstanceInfo("inst-1", "BK-1", "ann", "ann@example.com"), input or {}
        )
        self.decisions: list[Decision] = []

    def send(self, event: Event) -> Decision:
        before = repr(self.state)
        decision = decide(self.graph, self.state, event, now=self.now, rng=self.rng)
        assert repr(self.state) == before, "decide() mutated its input state"
        assert apply(self.state, decision.commands) == decision.state
        self.state = decision.state
        self.decisions.append(decision)
        return decision

    def start(self) -> Decision:
        return self.send(InstanceStarted())

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def live(self, node_id: str) -> StepState:
        """The one live step of `node_id` (fails when there is not exactly one)."""
        steps = self.state.live_steps_of(node_id)
        assert len(steps) == 1, f"expected one live step of {node_id}, found {steps}"
        return steps[0]

    @property
    def commands(self) -> list[Command]:
        return [c for d in self.decisions for c in d.commands]


def of_type(commands: Iterable[Command], kind: type[Any]) -> list[Any]:
    return [c for c in commands if isinstance(c, kind)]
