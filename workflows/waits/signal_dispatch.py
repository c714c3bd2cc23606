"""Send accepted signals to a worker in batches: one Celery message per batch, not per signal.

Each web process keeps the ids accepted since its last send; a background thread sends
them (after a short pause, so signals accepted together travel together) as
`workflows.apply_signals` messages of up to MAX_BATCH ids. Nothing here is durable on
purpose: the rows are, and an id whose message is lost (the process or the broker died)
stays `accepted` until `workflows.apply_pending_signals` applies it.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from django.db import transaction

logger = logging.getLogger(__name__)

MAX_BATCH = 200
GATHER_SECONDS = 0.05

_lock = threading.Lock()
_wake = threading.Event()
_pending: list[int] = []
_owner: dict[str, int] = {}


def dispatch_after_commit(signal_pk: int) -> None:
    """Send `signal_pk` to a worker once the transaction that stored it commits."""
    transaction.on_commit(lambda: _enqueue(signal_pk))


def _enqueue(signal_pk: int) -> None:
    with _lock:
        if _owner.get("pid") != os.getpid():  # first use in this process (or after a fork)
            _pending.clear()
            _owner["pid"] = os.getpid()
            threading.Thread(target=_run, name="signal-dispatch", daemon=True).start()
        _pending.append(signal_pk)
    _wake.set()


def _run() -> None:
    while True:
        _wake.wait()
        time.sleep(GATHER_SECONDS)
        _flush()


def _flush() -> None:
    with _lock:
        batch = _pending[:]
        _pending.clear()
        _wake.clear()
    for start in range(0, len(batch), MAX_BATCH):
        send(batch[start : start + MAX_BATCH])


atexit.register(_flush)  # a web process stopping sends what it accepted last (the sweep covers a kill)


def send(signal_pks: list[int]) -> None:
    """One `workflows.apply_signals` message; a broker error is logged, not raised (the
    rows stay accepted for the sweep)."""
    from workflows.waits.signal_tasks import signals_apply_task

    try:
        signals_apply_task.apply_async(args=[signal_pks])
    except Exception:
        logger.exception(
            "could not send %d accepted signals to the workers; the sweep will apply them", len(signal_pks)
        )
