"""Wire observability and live updates into the running process (WorkflowsConfig.ready)."""

from __future__ import annotations

from django.conf import settings

_done: dict[str, bool] = {"installed": False}


def install() -> None:
    """Idempotent: connect the event-stream observers, the inbox push, the Celery hooks and,
    when the OTEL_* environment asks for it, tracing."""
    if _done["installed"]:
        return
    _done["installed"] = True
    from approvals.signals import tasks_changed
    from workflows.observability import celery_hooks, tracing
    from workflows.realtime.inbox import tasks_changed_receiver
    from workflows.runtime import publisher

    if getattr(settings, "FLOWDESK_METRICS_ENABLED", True):
        from workflows.observability.metrics import observe_events

        publisher.observe(observe_events)
    tasks_changed.connect(tasks_changed_receiver, weak=False, dispatch_uid="flowdesk-inbox-push")
    celery_hooks.connect()
    tracing.configure()
