"""Beat task: seal the event chains of instances that finished (workflows.audit.seals)."""

from __future__ import annotations

from celery import shared_task

from workflows.audit.seals import seal_finished


@shared_task(name="workflows.audit_seal", ignore_result=True)
def audit_seal_task() -> int:
    return seal_finished()
