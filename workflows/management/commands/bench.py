"""`python manage.py bench`: Flowdesk's performance on PostgreSQL, Redis and a real Celery worker."""

from __future__ import annotations

import json
import logging
import platform
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.bench import engine, instance_list, realtime, scenarios, signals, timers
from workflows.bench.scenarios import Row
from workflows.bench.worker import celery_worker

logger = logging.getLogger(__name__)


def _engine_rows(user: Any, *, instances: int, latency_runs: int) -> list[Row]:
    floor = scenarios.celery_floor(throughput_runs=instances, latency_runs=latency_runs)
    return [
        Row("raw Celery chain of 5: instances/s", floor.instances_per_s, "/s"),
        Row("raw Celery chain of 5: steps/s", floor.steps_per_s, "/s"),
        Row("raw Celery chain of 5: latency p50", floor.p50_ms, "ms"),
        Row("raw Celery chain of 5: latency p95", floor.p95_ms, "ms"),
        *engine.engine_rows(user=user, floor=floor, instances=instances, latency_runs=latency_runs),
    ]


def _number(value: float) -> str:
    """Counts in full with separators (1,000,470, not 1.00047e+06); other figures as measured."""
    if float(value).is_integer() and abs(value) >= 10_000:
        return f"{int(value):,}"
    return f"{value:g}"


class Command(BaseCommand):
    help = (
        "Measure Flowdesk against a raw Celery chain on the same broker: engine throughput and latency, "
        "SQL per step, validation and API figures. Prints a table and writes JSON to bench-results/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--instances", type=int, default=300, help="Instances (and chains) for throughput."
        )
        parser.add_argument(
            "--latency-runs", type=int, default=30, help="Sequential runs for light-load latency."
        )
        parser.add_argument("--output", default="bench-results", help="Folder for the JSON results.")
        parser.add_argument("--quick", action="store_true", help="Small counts, for a smoke run.")
        parser.add_argument(
            "--sections",
            default="engine,waits,realtime,lists,definitions,approvals,designer",
            help=(
                "Comma-separated sections to run: engine, waits (= timers and signals), realtime, lists, "
                "definitions, approvals, designer."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        warnings.filterwarnings("ignore", message="No directory at")  # STATIC_ROOT: no collectstatic here
        if not (settings.IS_POSTGRES and settings.REDIS_URL):
            raise CommandError("bench needs DATABASE_URL (PostgreSQL) and REDIS_URL (make bench sets them)")
        instances = 20 if options["quick"] else options["instances"]
        latency_runs = 5 if options["quick"] else options["latency_runs"]
        call_command("migrate", interactive=False, verbosity=0)
        user, _ = User.objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True}
        )

        quick = options["quick"]
        sections = {name.strip() for name in options["sections"].split(",") if name.strip()}
        rows: list[Row] = []
        failed: list[str] = []

        def measure(title: str, work: Any) -> None:
            """Run one scenario; a failure is reported as a row and the others still run."""
            self.stdout.write(title)
            try:
                rows.extend(work())
            except Exception as exc:  # reported as a row; the command then exits non-zero
                logger.exception("benchmark scenario failed: %s", title)
                failed.append(title)
                rows.append(Row(f"{title.rstrip('…')}: FAILED ({type(exc).__name__})", 0, "", "runs", False))

        if "engine" in sections:  # counted in this process, before the worker starts
            measure("SQL statements per step…", lambda: engine.sql_rows(user))
        log = Path(tempfile.mkdtemp(prefix="flowdesk-bench-")) / "worker.log"
        with celery_worker(concurrency=2, pool="prefork", log=log):
            if "engine" in sections:
                measure(
                    "Raw Celery chain of 5 no-op tasks (the floor), then the engine with 5 core.echo tasks…",
                    lambda: _engine_rows(user, instances=instances, latency_runs=latency_runs),
                )
            if sections & {"waits", "timers"}:
                measure(
                    "Timers due at once…",
                    lambda: timers.timer_storm_rows(user, timers=500 if quick else 10_000),
                )
            if sections & {"waits", "signals"}:
                measure(
                    "Signals accepted per second…",
                    lambda: signals.signal_rate_rows(
                        user, instances=300 if quick else 5_000, background=20 if quick else 200
                    ),
                )
            if "realtime" in sections:
                measure(
                    "Commit-to-socket delivery on channels-redis…",
                    lambda: realtime.socket_delivery_rows(
                        user=user, sockets=20 if quick else 200, commits=20 if quick else 200
                    ),
                )
            if "approvals" in sections:  # deciding reaches the next step on the worker
                from approvals.bench import approvals_rows

                measure(
                    "Inbox and decisions with many tasks stored (generated once, reused)…",
                    lambda: approvals_rows(user=user, quick=quick),
                )
        if "lists" in sections:
            measure(
                "Instance list with many instances stored (generated once, reused)…",
                lambda: instance_list.instance_list_rows(user=user, total=10_000 if quick else 1_000_000),
            )
        if "definitions" in sections:
            measure(
                "Validation and API figures…",
                lambda: scenarios.validation_rows() + scenarios.api_save_rows(user=user),
            )
        if "designer" in sections:
            from designer.bench import designer_rows

            measure(
                "Designer: a 500-node graph in headless chromium…",
                lambda: designer_rows(user=user, quick=quick),
            )
        self._report(rows, Path(options["output"]), instances=instances)
        if failed:
            raise CommandError(f"{len(failed)} scenario(s) failed: {'; '.join(failed)} (see the log above)")

    def _report(self, rows: list[Row], folder: Path, *, instances: int) -> None:
        width = max(len(row.name) for row in rows)
        self.stdout.write("")
        self.stdout.write(f"| {'what':<{width}} | {'measured':>12} | {'target':<12} |")
        self.stdout.write(f"| {'-' * width} | {'-' * 12}:| {'-' * 12} |")
        for row in rows:
            verdict = "" if row.ok is None else (" ✓" if row.ok else " ✗")
            figure = f"{_number(row.value)} {row.unit}"
            self.stdout.write(f"| {row.name:<{width}} | {figure:>12} | {row.target + verdict:<12} |")
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        document = {
            "when": stamp,
            "machine": {
                "python": platform.python_version(),
                "cpus": _cpu_count(),
                "platform": platform.platform(),
            },
            "instances": instances,
            "rows": [row.as_dict() for row in rows],
        }
        for name in (f"bench-{stamp}.json", "latest.json"):
            (folder / name).write_text(json.dumps(document, indent=2))
        self.stdout.write(f"\nWrote {folder / 'latest.json'}")


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 0
