"""The designer's dry run: drive the real engine core in memory over a graph.

Nothing runs for real: actions are stubbed (core.echo returns its params, core.log
nothing, core.fail fails, any other action returns null), approvals take the outcomes
given, signals the payloads given, timers fire at once on a simulated clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.engine import GraphError
from workflows.engine.simulate import Decide, Scenario, TimeOut, simulate
from workflows.runtime.graphs import build_graph
from workflows.runtime.inputs import input_problems
from workflows.selectors.definitions import definition_get_for_user
from workflows.services.engine_errors import InvalidInput
from workflows.services.errors import GraphInvalid, invalid
from workflows.validation import has_errors, validate_graph

MAX_SIMULATED_EVENTS = 5_000


def _approval(value: Any) -> str | Decide:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("outcome"), str):
        form = value.get("form") if isinstance(value.get("form"), Mapping) else {}
        return Decide(value["outcome"], form)
    raise invalid("approvals", 'each approval is an outcome name or {"outcome": ..., "form": {...}}')


def _signal(value: Any) -> Any:
    if isinstance(value, Mapping) and value.get("timeout") is True and len(value) == 1:
        return TimeOut()
    return value


def definition_simulate(
    *,
    definition_key: str,
    user: Any,
    graph: Any = None,
    input: Any = None,
    approvals: Any = None,
    signals: Any = None,
) -> dict[str, Any]:
    """Dry-run `graph` (default: the definition's draft) with `input`; approvals map node
    ids to an outcome (or {outcome, form}), signals map node ids to a payload (or
    {"timeout": true}). Raises 404 (definition not visible), 400 graph_invalid,
    400 invalid_input, 400 invalid."""
    definition = definition_get_for_user(user=user, key=definition_key)
    document = definition.graph if graph is None else graph
    problems = validate_graph(document)
    if has_errors(problems):
        raise GraphInvalid(problems, "The graph has errors; fix them before a dry run.")
    data = {} if input is None else input
    wrong = input_problems(document.get("inputs"), data)
    if wrong:
        raise InvalidInput(wrong)
    for name, value in (("approvals", approvals), ("signals", signals)):
        if value is not None and not isinstance(value, Mapping):
            raise invalid(name, "must be an object keyed by node id")
    try:
        built = build_graph(document)
    except GraphError as exc:
        raise invalid("graph", str(exc)) from None
    scenario = Scenario(
        input=data,
        approvals={str(k): _approval(v) for k, v in (approvals or {}).items()},
        signals={str(k): _signal(v) for k, v in (signals or {}).items()},
        max_events=MAX_SIMULATED_EVENTS,
    )
    result = simulate(built, scenario).to_dict()
    for step in result["path"]:
        step["edge"] = step.get("via_edge")
    return result
