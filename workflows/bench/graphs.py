"""Graphs the benchmark runs and validates, generated in the v1 graph format."""

from __future__ import annotations

import itertools
from typing import Any


def linear_echo_graph(tasks: int = 5) -> dict[str, Any]:
    """start -> `tasks` core.echo tasks -> end."""
    ids = ["start", *[f"echo_{i}" for i in range(1, tasks + 1)], "end"]
    nodes: list[dict[str, Any]] = [
        {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}}
    ]
    for i in range(1, tasks + 1):
        nodes.append(
            {
                "id": f"echo_{i}",
                "type": "task",
                "name": f"Echo {i}",
                "position": {"x": 200 * i, "y": 0},
                "config": {"action": "core.echo", "params": {"step": i, "n": "{{ input.n }}"}},
            }
        )
    nodes.append({"id": "end", "type": "end", "name": "End", "position": {"x": 200 * (tasks + 1), "y": 0}})
    edges = [{"id": f"e{i}", "source": a, "target": b} for i, (a, b) in enumerate(itertools.pairwise(ids))]
    return {
        "format": "flowdesk.graph/v1",
        "inputs": {"n": {"type": "integer"}},
        "nodes": nodes,
        "edges": edges,
    }


def wide_graph(node_count: int = 1000) -> dict[str, Any]:
    """A valid graph of about `node_count` nodes: parallel fan-outs of task -> set chains, joined.

    Exercises every validation stage: schemas, structure, expressions and templates.
    """
    branches = max(1, (node_count - 4) // 2)
    nodes: list[dict[str, Any]] = [
        {"id": "start", "type": "start", "name": "Start", "position": {"x": 0, "y": 0}},
        {"id": "fan", "type": "parallel", "name": "Fan out", "position": {"x": 100, "y": 0}},
        {"id": "join", "type": "join", "name": "Join", "position": {"x": 400, "y": 0}},
        {
            "id": "end",
            "type": "end",
            "name": "End",
            "position": {"x": 500, "y": 0},
            "config": {"result": "done"},
        },
    ]
    edges: list[dict[str, Any]] = [
        {"id": "e-start", "source": "start", "target": "fan"},
        {"id": "e-end", "source": "join", "target": "end"},
    ]
    for b in range(branches):
        task, setter = f"task_{b}", f"set_{b}"
        nodes.append(
            {
                "id": task,
                "type": "task",
                "name": f"Task {b}",
                "position": {"x": 200, "y": 40 * b},
                "config": {
                    "action": "core.echo",
                    "params": {"value": "{{ input.amount * 2 }}"},
                    "output": f"out_{b}",
                },
            }
        )
        nodes.append(
            {
                "id": setter,
                "type": "set",
                "name": f"Set {b}",
                "position": {"x": 300, "y": 40 * b},
                "config": {"assign": {f"v_{b}": f"len(vars.out_{b} or []) + input.amount"}},
            }
        )
        edges += [
            {"id": f"e-fan-{b}", "source": "fan", "target": task},
            {"id": f"e-mid-{b}", "source": task, "target": setter},
            {"id": f"e-join-{b}", "source": setter, "target": "join"},
        ]
    return {
        "format": "flowdesk.graph/v1",
        "inputs": {"amount": {"type": "number"}},
        "nodes": nodes,
        "edges": edges,
    }
