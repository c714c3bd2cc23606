"""Per-node-type configuration, parsed and compiled once when a graph is built.

Each spec is immutable and holds precompiled expressions/templates, so `decide()`
only evaluates. `compile_spec` raises `GraphError` naming the node on bad config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from workflows.engine.durations import Duration
from workflows.engine.errors import GraphError
from workflows.engine.retry import RetryPolicy
from workflows.engine.templating import CompiledValue
from workflows.expressions import Expression, ExpressionError, compile_expression

NODE_TYPES = frozenset(
    {
        "start",
        "end",
        "task",
        "approval",
        "condition",
        "parallel",
        "join",
        "timer",
        "signal",
        "subworkflow",
        "set",
    }
)
DEFAULT_OUTCOMES = ("approved", "rejected")


@dataclass(frozen=True, slots=True)
class NoSpec:
    """Nodes without configuration: start, condition, parallel, join."""


@dataclass(frozen=True, slots=True)
class CompensateSpec:
    action: str
    params: CompiledValue
    retry: RetryPolicy


@dataclass(frozen=True, slots=True)
class TaskSpec:
    action: str
    params: CompiledValue
    output_var: str | None
    retry: RetryPolicy
    timeout_seconds: float | None
    compensate: CompensateSpec | None


@dataclass(frozen=True, slots=True)
class ApprovalSpec:
    """`assignees` is rendered at activation; `config` is the node config, read-only."""

    assignees: CompiledValue
    outcomes: tuple[str, ...]
    config: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class TimerSpec:
    duration: Duration | None
    until: Expression | None


@dataclass(frozen=True, slots=True)
class SignalSpec:
    name: str
    timeout: Duration | None


@dataclass(frozen=True, slots=True)
class SubworkflowSpec:
    definition: str
    version: int | None
    input: CompiledValue
    output_var: str | None


@dataclass(frozen=True, slots=True)
class SetSpec:
    """Assignments in document order; each sees the variables assigned before it."""

    assign: tuple[tuple[str, Expression], ...]


@dataclass(frozen=True, slots=True)
class EndSpec:
    result: CompiledValue | None


Spec = NoSpec | TaskSpec | ApprovalSpec | TimerSpec | SignalSpec | SubworkflowSpec | SetSpec | EndSpec

_NO_SPEC = NoSpec()


def compile_spec(node_id: str, node_type: str, config: Mapping[str, Any], default_retry: RetryPolicy) -> Spec:
    """Compile one node's config. `default_retry` already reflects the action catalog."""
    try:
        return _compile(node_id, node_type, config, default_retry)
    except ExpressionError as exc:
        raise GraphError(f"node {node_id}: {exc.message}", node=node_id) from exc
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, GraphError):
            raise
        raise GraphError(f"node {node_id}: bad {node_type} config: {exc}", node=node_id) from exc


def _compile(node_id: str, node_type: str, config: Mapping[str, Any], default_retry: RetryPolicy) -> Spec:
    if node_type == "task":
        return _task(config, default_retry)
    if node_type == "approval":
        outcomes = tuple(str(o) for o in config.get("outcomes") or DEFAULT_OUTCOMES)
        return ApprovalSpec(
            CompiledValue.compile(config.get("assignees") or {}), outcomes, MappingProxyType(dict(config))
        )
    if node_type == "timer":
        return _timer(node_id, config)
    if node_type == "signal":
        timeout = config.get("timeout")
        return SignalSpec(str(config["name"]), Duration.parse(timeout) if timeout else None)
    if node_type == "subworkflow":
        version = config.get("version")
        return SubworkflowSpec(
            str(config["definition"]),
            int(version) if version is not None else None,
            CompiledValue.compile(config.get("input") or {}),
            config.get("output") or None,
        )
    if node_type == "set":
        assign = config.get("assign") or {}
        return SetSpec(tuple((str(name), compile_expression(str(src))) for name, src in assign.items()))
    if node_type == "end":
        result = config.get("result")
        return EndSpec(CompiledValue.compile(result) if result is not None else None)
    if node_type in NODE_TYPES:
        return _NO_SPEC
    raise GraphError(f"node {node_id}: unknown node type {node_type!r}", node=node_id)


def _task(config: Mapping[str, Any], default_retry: RetryPolicy) -> TaskSpec:
    compensate = config.get("compensate")
    timeout = config.get("timeout_seconds")
    return TaskSpec(
        action=str(config["action"]),
        params=CompiledValue.compile(config.get("params") or {}),
        output_var=config.get("output") or None,
        retry=default_retry.merged(config.get("retry")),
        timeout_seconds=float(timeout) if timeout else None,
        compensate=CompensateSpec(
            str(compensate["action"]),
            CompiledValue.compile(compensate.get("params") or {}),
            RetryPolicy().merged(compensate.get("retry")),
        )
        if compensate
        else None,
    )


def _timer(node_id: str, config: Mapping[str, Any]) -> TimerSpec:
    duration, until = config.get("duration"), config.get("until")
    if bool(duration) == bool(until):
        raise GraphError(f"node {node_id}: a timer needs exactly one of duration or until", node=node_id)
    return TimerSpec(
        Duration.parse(duration) if duration else None,
        compile_expression(str(until)) if until else None,
    )
