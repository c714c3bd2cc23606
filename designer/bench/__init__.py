"""`manage.py bench --sections designer`: a 500-node graph in the designer, in headless chromium.

Opens the graph cold several times (time to interactive, long tasks while dragging a node), times
saving the 500-node draft at the server (PATCH with If-Match against daphne), and sizes the JS and
CSS the page loads. Everything the database needs is done before the browser starts.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from designer.bench.browser import Run, browse
from designer.bench.bundle import loaded_size
from designer.bench.fixture import BENCH_KEY, NODES, bench_graph, ensure_bench_definition, sign_out, signed_in
from designer.bench.server import DraftClient, daphne, timed_saves
from designer.bench.trace import CpuFigures
from workflows.bench.scenarios import Row
from workflows.bench.stats import ms, percentile

OPEN_TARGET_MS, LONG_TASK_MS, SAVE_TARGET_MS, BUNDLE_TARGET_KB = 1500, 50, 300, 500


def designer_rows(*, user: Any, quick: bool) -> list[Row]:
    graph = bench_graph(NODES)
    ensure_bench_definition(user, graph)
    credentials = signed_in(user)
    runs, saves = (2, 10) if quick else (5, 20)
    try:
        with daphne(Path(tempfile.mkdtemp(prefix="flowdesk-bench-designer-"))) as base:
            client = DraftClient(base, BENCH_KEY, credentials)
            try:
                client.warm_up()
                save_timings = timed_saves(client, graph, saves)
                opened, cpu = browse(
                    base,
                    BENCH_KEY,
                    credentials,
                    runs=runs,
                    nodes=NODES,
                    between=lambda: client.restore(graph),
                )
            finally:
                client.close()
    finally:
        sign_out(credentials)
    rows = open_rows(opened) + drag_rows(opened) + cpu_rows(cpu) + save_rows(save_timings)
    return rows + bundle_rows(opened)


def _p(values: list[float], fraction: float) -> float:
    return round(percentile(values, fraction), 1)


def open_rows(runs: list[Run]) -> list[Row]:
    interactive = [r.interactive_ms for r in runs]
    worst = round(max(interactive), 1)
    n = len(runs)
    return [
        Row(
            f"designer: open {NODES} nodes -> graph painted, p50 of {n} cold",
            _p([r.painted_ms for r in runs], 0.5),
            "ms",
        ),
        Row(f"designer: open {NODES} nodes -> interactive, p50 of {n} cold", _p(interactive, 0.5), "ms"),
        Row(
            f"designer: open {NODES} nodes -> interactive, worst of {n} cold",
            worst,
            "ms",
            f"< {OPEN_TARGET_MS} ms",
            worst < OPEN_TARGET_MS,
        ),
        Row("designer: click a node -> shown selected, p50", _p([r.click_ms for r in runs], 0.5), "ms"),
        Row(
            "designer: longest task while opening, p50",
            _p([max(r.open_long_tasks, default=0.0) for r in runs], 0.5),
            "ms",
        ),
    ]


def drag_rows(runs: list[Run]) -> list[Row]:
    during = [t for r in runs for t in r.drag_long_tasks]
    after = [t for r in runs for t in r.after_drop_long_tasks]
    longest = round(max(during, default=0.0), 1)
    over = sum(1 for t in during if t > LONG_TASK_MS)
    n = len(runs)
    return [
        Row(
            f"designer: drag a node 1 s, longest task ({n} drags)",
            longest,
            "ms",
            f"<= {LONG_TASK_MS} ms",
            longest <= LONG_TASK_MS,
        ),
        Row(
            f"designer: drag a node 1 s, long tasks > {LONG_TASK_MS} ms ({n} drags)", over, "", "0", over == 0
        ),
        Row("designer: 1.5 s after the drop, longest task", round(max(after, default=0.0), 1), "ms"),
    ]


def cpu_rows(cpu: CpuFigures) -> list[Row]:
    """The page's own work, in main-thread CPU time (one traced run): what load on the machine barely changes."""
    return [
        Row("designer: main-thread CPU, open -> interactive (traced)", cpu.open_to_interactive_ms, "ms"),
        Row(
            "designer: main-thread CPU, longest task while dragging (traced)", cpu.drag_longest_task_ms, "ms"
        ),
        Row("designer: main-thread CPU, drag tasks > 50 ms (traced)", cpu.drag_tasks_over_50, ""),
    ]


def save_rows(timings: list[float]) -> list[Row]:
    p95 = ms(percentile(timings, 0.95))
    n = len(timings)
    return [
        Row(
            f"designer: save {NODES} nodes at the server (daphne), p50 of {n}",
            ms(percentile(timings, 0.5)),
            "ms",
        ),
        Row(
            f"designer: save {NODES} nodes at the server (daphne), p95 of {n}",
            p95,
            "ms",
            f"< {SAVE_TARGET_MS} ms",
            p95 < SAVE_TARGET_MS,
        ),
    ]


def bundle_rows(runs: list[Run]) -> list[Row]:
    size = loaded_size(runs[0].assets)
    kb = round(size.gzip_bytes / 1000, 1)
    return [
        Row(
            f"designer: JS+CSS loaded ({size.files} files), gzip",
            kb,
            "kB",
            f"< {BUNDLE_TARGET_KB} kB",
            kb < BUNDLE_TARGET_KB,
        ),
        Row("designer: JS+CSS loaded, raw", round(size.raw_bytes / 1000, 1), "kB"),
    ]
