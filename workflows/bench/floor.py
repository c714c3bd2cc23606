"""The floor any Celery-per-step engine starts from: a raw chain of no-op tasks.

The last task of a chain records its start-to-finish latency in Redis, so the
benchmark needs no Celery result backend (Flowdesk runs without one).
"""

from __future__ import annotations

import time

import redis
from celery import chain, shared_task
from django.conf import settings

LATENCY_KEY = "flowdesk:bench:floor:{run}"


@shared_task(name="flowdesk.bench.noop", ignore_result=True)
def bench_noop_task() -> None:
    """Do nothing: one message's worth of Celery overhead."""


@shared_task(name="flowdesk.bench.chain_done", ignore_result=True)
def bench_chain_done_task(run: str, started_at: float) -> None:
    """Record one chain's latency (wall clock; producer and worker share the machine)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.rpush(LATENCY_KEY.format(run=run), time.time() - started_at)
    client.expire(LATENCY_KEY.format(run=run), 3600)


def send_chain(run: str, length: int) -> None:
    """Send one chain of `length` no-op tasks, the last one recording its latency."""
    tasks = [bench_noop_task.si() for _ in range(length - 1)]
    chain(*tasks, bench_chain_done_task.si(run, time.time())).apply_async()


def finished_latencies(run: str) -> list[float]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return [float(value) for value in client.lrange(LATENCY_KEY.format(run=run), 0, -1)]
