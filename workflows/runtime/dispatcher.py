"""Send Celery messages for steps and compensations, only after the transaction commits.

Messages are sent by task name (no import of the task modules, so no import cycle)
on one producer connection per batch. A message names the step, the attempt and the
action: a duplicate or late message finds the step moved on and does nothing, and the
worker checks the action's circuit before claiming.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from celery import current_app
from django.db import transaction

from workflows.runtime.units import Dispatch

logger = logging.getLogger(__name__)

RUN_STEP = "workflows.run_step"
RUN_COMPENSATION = "workflows.run_compensation"


def send_now(dispatches: Iterable[Dispatch]) -> None:
    """Publish the messages now (call only outside a transaction, or from on_commit)."""
    batch = list(dispatches)
    if not batch:
        return
    app = current_app
    with app.producer_or_acquire() as producer:
        for item in batch:
            name = RUN_STEP if item.kind == "step" else RUN_COMPENSATION
            app.send_task(
                name,
                args=[item.step_id, item.attempt],
                kwargs={"action": item.action},
                producer=producer,
            )


def send_on_commit(dispatches: Iterable[Dispatch]) -> None:
    """Publish the messages once the current transaction commits (never if it rolls back)."""
    batch = list(dispatches)
    if batch:
        transaction.on_commit(partial(_send_logged, batch))


def _send_logged(batch: list[Dispatch]) -> None:
    try:
        send_now(batch)
    except Exception:  # the broker is down: the reaper re-sends scheduled steps later
        logger.exception("could not send %d step message(s); the reaper will re-send them", len(batch))
