"""The designer benchmark's pure helpers: its 500-node graph and the bundle size it reports."""

from __future__ import annotations

import gzip
from itertools import combinations
from pathlib import Path

import pytest
from django.test import override_settings

from designer.bench.bundle import loaded_size
from designer.bench.fixture import bench_graph
from designer.bench.trace import cpu_figures
from workflows.validation import validate_graph

NODE_BOX = (180, 64)  # the designer's node size (NODE_WIDTH, NODE_HEIGHT)


def test_the_bench_graph_has_500_nodes_and_is_valid() -> None:
    graph = bench_graph(500)

    assert len(graph["nodes"]) == 500
    assert len({n["id"] for n in graph["nodes"]}) == 500
    assert [p for p in validate_graph(graph) if p.severity == "error"] == []


def test_no_two_nodes_of_the_bench_graph_overlap_so_each_can_be_clicked() -> None:
    width, height = NODE_BOX
    boxes = [(n["position"]["x"], n["position"]["y"]) for n in bench_graph(500)["nodes"]]

    overlapping = [
        (a, b) for a, b in combinations(boxes, 2) if abs(a[0] - b[0]) < width and abs(a[1] - b[1]) < height
    ]
    assert overlapping == []


def test_bundle_size_counts_the_js_and_css_the_page_loaded_gzipped(tmp_path: Path) -> None:
    assets = tmp_path / "designer" / "assets"
    assets.mkdir(parents=True)
    script, style = b"console.log('designer');\n" * 200, b".fd-node { color: red }\n" * 100
    (assets / "main.js").write_bytes(script)
    (assets / "main.css").write_bytes(style)
    (assets / "logo.svg").write_bytes(b"<svg/>")

    with override_settings(STATICFILES_DIRS=[tmp_path]):
        size = loaded_size(
            [
                "/static/designer/assets/main.js",
                "/static/designer/assets/main.css",
                "/static/designer/assets/main.js",  # loaded twice, counted once
                "/static/designer/assets/logo.svg",
            ]
        )

    assert size.files == 2
    assert size.raw_bytes == len(script) + len(style)
    assert size.gzip_bytes == len(gzip.compress(script, 9, mtime=0)) + len(gzip.compress(style, 9, mtime=0))


def test_bundle_size_refuses_a_file_that_is_not_there(tmp_path: Path) -> None:
    with (
        override_settings(STATICFILES_DIRS=[tmp_path]),
        pytest.raises(RuntimeError, match="not a static file"),
    ):
        loaded_size(["/static/designer/assets/gone.js"])


def _task(ts: int, dur: int, cpu: int, thread: int = 1) -> dict:
    return {"ph": "X", "name": "RunTask", "pid": 7, "tid": thread, "ts": ts, "dur": dur, "tdur": cpu}


def _mark(name: str, ts: int) -> dict:
    return {"ph": "R", "name": name, "pid": 7, "tid": 1, "ts": ts}


def test_cpu_figures_count_the_page_main_thread_between_the_marks() -> None:
    events = [
        {"ph": "R", "name": "navigationStart", "pid": 7, "tid": 1, "ts": 450_000},  # another frame's: ignored
        _task(500, 100, 90_000),  # before the navigation: not counted
        _task(2_000, 300_000, 200_000),  # opening
        _task(2_000, 300_000, 999_000, thread=2),  # another thread: never counted
        _task(400_000, 50_000, 30_000),  # opening
        _mark("designer:graph-painted", 390_000),
        _mark("fdbench:selected", 500_000),
        _task(600_000, 10_000, 8_000),  # idle time before the drag: neither
        _mark("fdbench:drag-down", 700_000),
        _task(700_500, 70_000, 60_000),
        _task(800_000, 20_000, 12_000),
        _mark("fdbench:drag-up", 900_000),
        _task(950_000, 80_000, 70_000),  # after the drop
    ]

    cpu = cpu_figures(events, selected_at_ms=499.0)  # the page's clock: its navigation began at ts 1,000

    assert cpu.open_to_interactive_ms == 230.0
    assert cpu.drag_longest_task_ms == 60.0
    assert cpu.drag_tasks_over_50 == 1


def test_cpu_figures_refuse_a_trace_without_the_probe_marks() -> None:
    with pytest.raises(RuntimeError, match="lacks the marks"):
        cpu_figures([_task(0, 10, 10)], selected_at_ms=1.0)
