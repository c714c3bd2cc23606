"""Properties over many random runs of the example graphs, and the package's purity."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from engine_testkit import example
from hypothesis import given, settings
from hypothesis import strategies as st

import workflows.engine
from workflows.engine import InstanceStatus, apply, new_instance
from workflows.engine.commands import CompleteStep, CreateStep, MarkCompensated
from workflows.engine.simulate import Decide, Fail, Scenario, Succeed, TimeOut, simulate

EXAMPLE_INPUTS: dict[str, dict[str, Any]] = {
    "expense-approval": {"title": "t", "amount": 0},
    "employee-onboarding": {"employee": "Ann", "email": "a@example.com"},
    "order-saga": {"order_id": "o", "amount": 1},
    "incident-response": {"alert_id": "a", "host": "h", "severity": 1},
}
OUTCOMES = {
    "manager": ["approved", "rejected"],
    "finance": ["approved", "rejected"],
    "buddy": ["assigned"],
    "analyst": ["contain", "dismiss"],
    "fix_by_hand": ["fixed"],
}
attempt_outcome = st.one_of(
    st.builds(Succeed, st.just({"ok": True})),
    st.builds(Fail, st.just("boom"), st.just("Boom"), st.booleans()),
    st.just(TimeOut()),
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, Scenario]:
    name = draw(st.sampled_from(sorted(EXAMPLE_INPUTS)))
    g = example(name)
    tasks = [n.id for n in g.nodes.values() if n.type == "task"]
    number = draw(st.integers(min_value=0, max_value=20000))
    extra = {"amount": number, "severity": number % 10, "fail_shipping": draw(st.booleans())}
    scenario = Scenario(
        input={
            **EXAMPLE_INPUTS[name],
            **{k: v for k, v in extra.items() if k in g.input_defaults or k in EXAMPLE_INPUTS[name]},
        },
        tasks={
            t: draw(st.lists(attempt_outcome, min_size=1, max_size=6)) for t in tasks if draw(st.booleans())
        },
        approvals={n: [Decide(draw(st.sampled_from(o)))] for n, o in OUTCOMES.items() if n in g.nodes},
        signals={"confirm": draw(st.sampled_from([TimeOut(), {"confirmed": True}]))},
        compensations={
            t: draw(st.lists(attempt_outcome, min_size=1, max_size=3)) for t in tasks if draw(st.booleans())
        },
        seed=draw(st.integers(min_value=0, max_value=1000)),
    )
    return name, scenario


@settings(max_examples=150, deadline=None)
@given(case=scenarios())
def test_every_run_of_an_example_ends_consistently(case: tuple[str, Scenario]) -> None:
    name, scenario = case
    g = example(name)
    # when
    run = simulate(g, scenario)
    # then it ends (every wait had an answer), with nothing left live
    assert not run.aborted and run.status.is_terminal and run.state.steps == {}
    # the commands alone rebuild the state an adapter would store
    assert apply(new_instance(g, scenario.info, scenario.input), run.commands) == run.state
    # each step finished at most once, and joins fired at most once per activation
    finished = [c.step_id for c in run.commands if isinstance(c, CompleteStep)]
    assert len(finished) == len(set(finished))
    created = {c.step_id for c in run.commands if isinstance(c, CreateStep)}
    assert set(finished) <= created
    # compensation undid finished steps newest first
    undone = [c.step_id for c in run.commands if isinstance(c, MarkCompensated)]
    order = [c.step_id for c in run.commands if isinstance(c, CompleteStep) and c.compensable]
    assert undone == [s for s in reversed(order) if s in undone]
    if run.status is InstanceStatus.COMPLETED:
        assert run.error is None


def test_the_engine_imports_only_the_standard_library_and_the_expression_language() -> None:
    root = Path(workflows.engine.__file__).parent
    allowed = ("workflows.engine", "workflows.expressions", "__future__")
    stdlib = {
        "calendar", "collections", "dataclasses", "datetime", "enum", "heapq", "itertools", "json",
        "random", "re", "types", "typing", "uuid",
    }  # fmt: skip
    for path in root.rglob("*.py"):
        for stmt in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(stmt, ast.Import):
                names = [a.name for a in stmt.names]
            elif isinstance(stmt, ast.ImportFrom) and stmt.level == 0 and stmt.module:
                names = [stmt.module]
            for name in names:
                assert name.startswith(allowed) or name.split(".")[0] in stdlib, f"{path.name} imports {name}"
