"""Celery worker and beat embedded in the web process, for standalone mode.

Standalone Flowdesk has no Redis: the broker is Kombu's in-memory transport, which
only reaches consumers in the same process. So the worker and beat run here as
threads beside daphne, exactly as separate processes would run them in production
(same tasks, same acks, same database), and stop with the server.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from celery import Celery
from celery.beat import EmbeddedService
from celery.worker import WorkController

logger = logging.getLogger(__name__)


class _ThreadedWorker(WorkController):
    """A WorkController that reports when its consumer is ready."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.ready = threading.Event()
        super().__init__(*args, **kwargs)

    def on_consumer_ready(self, consumer: object) -> None:
        self.ready.set()


@dataclass
class EmbeddedCelery:
    """One worker (thread pool) and one beat, started and stopped together."""

    app: Celery
    concurrency: int = 4
    schedule_filename: str = "celerybeat-schedule"
    _worker: _ThreadedWorker | None = field(default=None, init=False)
    _worker_thread: threading.Thread | None = field(default=None, init=False)
    _beat: threading.Thread | None = field(default=None, init=False)

    def start(self, *, ready_timeout: float = 30.0) -> None:
        self.app.finalize()
        self.app.set_current()
        self.app.set_default()
        self._worker = _ThreadedWorker(
            app=self.app,
            pool_cls="threads",
            concurrency=self.concurrency,
            hostname="standalone@localhost",
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            loglevel=logging.INFO,
        )
        self._worker_thread = threading.Thread(target=self._worker.start, name="celery-worker", daemon=True)
        self._worker_thread.start()
        if not self._worker.ready.wait(ready_timeout):
            raise RuntimeError("the embedded Celery worker did not start")
        self._beat = EmbeddedService(self.app, thread=True, schedule_filename=self.schedule_filename)
        self._beat.start()
        logger.info("Embedded Celery worker (%d threads) and beat started", self.concurrency)

    def stop(self) -> None:
        if self._beat is not None:
            self._beat.stop()
        if self._worker is not None:
            self._worker.stop(in_sighandler=False)
        if self._worker_thread is not None:
            self._worker_thread.join(timeout=15)
        logger.info("Embedded Celery worker and beat stopped")
