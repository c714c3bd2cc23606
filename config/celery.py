"""The Celery application: configured from Django settings (CELERY_* names)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("flowdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The benchmark's no-op floor tasks (tiny; every worker can run them).
app.conf.include = ["workflows.bench.floor"]


@app.task(name="flowdesk.ping", ignore_result=False)
def ping() -> str:
    """Answer the health check: proves a worker is consuming the queue."""
    return "pong"
