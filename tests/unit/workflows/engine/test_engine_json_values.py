"""Whatever the core stores (variables, params, results) is plain JSON: datetimes become text."""

from __future__ import annotations

import json

from engine_testkit import NOW, Driver, chain, graph, node, of_type

from workflows.engine.commands import ScheduleStep, SetVariables


def test_a_set_node_assigning_now_stores_iso_text_that_survives_a_json_round_trip() -> None:
    # given
    g = graph(
        [
            node("s", "start"),
            node("stamp", "set", assign={"at": "now()", "wait": "hours(2)"}),
            node("e", "end"),
        ],
        chain("s", "stamp", "e"),
    )
    # when
    decision = Driver(g).start()
    # then
    values = of_type(decision.commands, SetVariables)[0].values
    assert values == {"at": NOW.isoformat(), "wait": "PT2H"}
    assert json.loads(json.dumps(decision.state.vars)) == decision.state.vars


def test_task_params_and_the_end_result_render_datetimes_as_iso_text() -> None:
    g = graph(
        [
            node("s", "start"),
            node(
                "t",
                "task",
                action="core.echo",
                params={"when": "{{ now() }}", "later": "{{ now() + days(1) }}"},
            ),
            node("e", "end", result="{{ now() }}"),
        ],
        chain("s", "t", "e"),
    )
    d = Driver(g)

    params = of_type(d.start().commands, ScheduleStep)[0].params

    assert params["when"] == NOW.isoformat()
    assert isinstance(params["later"], str)
    json.dumps(params)
