"""Run a real Celery worker process for the benchmark, as production runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config.celery import app


@contextmanager
def celery_worker(
    *, concurrency: int = 2, pool: str = "prefork", log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `celery -A config worker` with this process's environment; stop it on exit."""
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=WARNING",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"bench-{os.getpid()}@%h",
    ]
    app.control.purge()
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the benchmark's Celery worker did not start; see {log}")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
