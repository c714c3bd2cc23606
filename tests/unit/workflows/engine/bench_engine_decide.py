"""Time decide() for typical steps (not a test: run `python tests/unit/workflows/engine/bench_engine_decide.py`).

Measures, on a 6-step chain with templated params and an output variable:
* `task step`: StepSucceeded of one task -> complete it, set its variable, render
  and schedule the next task (the most common decision);
* `start`: InstanceStarted -> start node + first task;
* `fan-in`: the last branch of a 4-way parallel arriving at a join, which fires and
  runs a condition, a set node and the end.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[4]))

from engine_testkit import NOW, edge, example, graph, node

from workflows.engine import InstanceInfo, decide, new_instance
from workflows.engine.events import InstanceStarted, StepSucceeded


def _time(label: str, make_args, runs: int = 3000) -> None:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        g, state, event, rng = make_args()
        t0 = time.perf_counter_ns()
        decide(g, state, event, now=NOW, rng=rng)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    samples.sort()
    p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95)]
    print(f"{label:<10} p50 {p50:6.1f} us   p95 {p95:6.1f} us   ({runs} runs)")


def main() -> None:
    tasks = [f"t{i}" for i in range(1, 6)]
    chain_graph = graph(
        [node("s", "start"), node("e", "end", result="{{ vars.t5.n }}")]
        + [
            node(
                t,
                "task",
                action="core.echo",
                params={"n": "{{ input.n }}", "to": "{{ instance.started_by_email }}"},
                output=t,
            )
            for t in tasks
        ],
        [edge(f"x{i}", a, b) for i, (a, b) in enumerate(zip(["s", *tasks], [*tasks, "e"], strict=True))],
    )
    rng = random.Random(1)
    info = InstanceInfo("i", "bk", "ann", "ann@example.com")
    fresh = new_instance(chain_graph, info, {"n": 5})
    started = decide(chain_graph, fresh, InstanceStarted(), now=NOW, rng=rng).state
    step_id = next(iter(started.steps))
    _time("start", lambda: (chain_graph, fresh, InstanceStarted(), rng))
    _time("task step", lambda: (chain_graph, started, StepSucceeded(step_id, {"n": 5}, attempt=1), rng))

    fan = graph(
        [
            node("s", "start"),
            node("p", "parallel"),
            node("j", "join"),
            node("c", "condition"),
            node("v", "set", assign={"ok": "true"}),
            node("e", "end"),
        ]
        + [node(f"b{i}", "task", action="core.log") for i in range(4)],
        [
            edge("e1", "s", "p"),
            edge("e2", "j", "c"),
            edge("e3", "c", "v", condition="input.n > 1"),
            edge("e4", "c", "e", default=True),
            edge("e5", "v", "e"),
        ]
        + [edge(f"to{i}", "p", f"b{i}") for i in range(4)]
        + [edge(f"from{i}", f"b{i}", "j") for i in range(4)],
    )
    state = decide(fan, new_instance(fan, info, {"n": 5}), InstanceStarted(), now=NOW, rng=rng).state
    branches = [s.id for s in state.steps.values()]
    for step in branches[:3]:
        state = decide(fan, state, StepSucceeded(step, None, attempt=1), now=NOW, rng=rng).state
    last = branches[3]
    _time("fan-in", lambda: (fan, state, StepSucceeded(last, None, attempt=1), rng))
    saga = example("order-saga")
    print(f"(examples load: order-saga has {len(saga.nodes)} nodes)")


if __name__ == "__main__":
    main()
