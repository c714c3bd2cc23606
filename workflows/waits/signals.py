"""Deliver signals to the steps waiting for them.

`signal_send` names the instance; `signal_route` finds it by definition key and
business key (unique per definition, so at most one instance). Either way, one
transaction holding the instance lock (lock order step 1, workflows.services.instances):

1. a signal `id` already received by this instance: answer with the first delivery
   (`duplicate`); nothing changes, so a retried send continues the workflow once;
2. the oldest live signal step of the instance whose node waits for `name` gets
   `SignalReceived(step, payload)` through the engine (its output is the payload), its
   timeout wait is disarmed, and the signal is stored;
3. no such step (a finished instance, a path not there yet, another name): 409
   `not_waiting_for_signal`, nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from workflows.engine.events import SignalReceived
from workflows.models import ReceivedSignal, StepExecution, StepStatus, WorkflowInstance
from workflows.models.signals import MAX_SIGNAL_ID_LENGTH, MAX_SIGNAL_NAME_LENGTH
from workflows.runtime.graphs import graph_for_version
from workflows.runtime.repository import lock_instance
from workflows.selectors.definitions import can_start, can_view
from workflows.selectors.instances import can_operate, instances_visible_to
from workflows.services.errors import invalid
from workflows.services.instances import apply_locked
from workflows.waits.errors import NotWaitingForSignal
from workflows.waits.timers import waits_disarm


@dataclass(frozen=True)
class Delivery:
    """What a send did: the stored signal, and whether it was a repeat of an earlier id."""

    signal: ReceivedSignal
    duplicate: bool
    instance: WorkflowInstance


def can_signal(user: Any, instance: WorkflowInstance) -> bool:
    """Who may signal an instance: those who operate it, and starters of its workflow."""
    return can_operate(user, instance) or can_start(user, instance.definition)


def _check(name: Any, signal_id: Any) -> tuple[str, str]:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_SIGNAL_NAME_LENGTH:
        raise invalid("name", f"must be a non-empty string of at most {MAX_SIGNAL_NAME_LENGTH} characters")
    signal_id = "" if signal_id is None else signal_id
    if not isinstance(signal_id, str) or len(signal_id) > MAX_SIGNAL_ID_LENGTH:
        raise invalid("id", f"must be a string of at most {MAX_SIGNAL_ID_LENGTH} characters")
    return name, signal_id


def _locked_for(actor: Any, instance_id: UUID | str) -> WorkflowInstance:
    try:
        instance = lock_instance(instance_id)
    except (WorkflowInstance.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("no such instance") from None
    if not can_signal(actor, instance):
        if actor.is_authenticated and (actor.is_staff or can_view(actor, instance.definition)):
            raise PermissionDenied("You may view this instance but not send it signals.")
        raise Http404("no such instance")
    return instance


def signal_send(
    *, instance_id: UUID | str, name: Any, payload: Any = None, signal_id: Any = "", actor: Any
) -> Delivery:
    """Deliver signal `name` with `payload` to instance `instance_id` (see the module doc).

    Raises 404 (hidden or missing), 403 (may only view it), 400 invalid (name, id),
    409 not_waiting_for_signal.
    """
    name, signal_id = _check(name, signal_id)
    with transaction.atomic():
        instance = _locked_for(actor, instance_id)
        return _deliver(instance, name=name, payload=payload, signal_id=signal_id, actor=actor)


def signal_route(
    *, definition_key: Any, business_key: Any, name: Any, payload: Any = None, signal_id: Any = "", actor: Any
) -> Delivery:
    """Deliver to the instance of `definition_key` with `business_key` (404 when none is
    visible to `actor`); otherwise exactly `signal_send`."""
    if not isinstance(definition_key, str) or not definition_key:
        raise invalid("definition", "must be a definition key")
    if not isinstance(business_key, str) or not business_key:
        raise invalid("business_key", "must be a non-empty business key")
    found = (
        instances_visible_to(actor)
        .filter(definition__key=definition_key, business_key=business_key)
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise Http404(f"no instance of {definition_key} with business key {business_key!r}")
    return signal_send(instance_id=found, name=name, payload=payload, signal_id=signal_id, actor=actor)


def _deliver(instance: WorkflowInstance, *, name: str, payload: Any, signal_id: str, actor: Any) -> Delivery:
    """Precondition: the instance row is locked."""
    if signal_id:
        earlier = ReceivedSignal.objects.filter(instance_id=instance.pk, signal_id=signal_id).first()
        if earlier is not None:
            return Delivery(earlier, duplicate=True, instance=instance)
    waiting = list(
        StepExecution.objects.filter(instance_id=instance.pk, node_type="signal", status=StepStatus.WAITING)
        .order_by("created_at", "visit")
        .values_list("id", "node_id")
    )
    graph = graph_for_version(instance.version_id)
    names = {node_id: getattr(graph.node(node_id).spec, "name", None) for _, node_id in waiting}
    target = next(((step_id, node_id) for step_id, node_id in waiting if names[node_id] == name), None)
    if target is None:
        raise NotWaitingForSignal(
            instance_id=instance.pk,
            name=name,
            status=str(instance.status),
            waiting_for=[str(names[node_id]) for _, node_id in waiting],
        )
    step_id, node_id = target
    now = timezone.now()
    user = actor if actor is not None and actor.is_authenticated else None
    applied = apply_locked(instance, SignalReceived(str(step_id), payload), actor=user, now=now)
    if applied.ignored is not None:  # cannot happen under the lock; never store a signal that did nothing
        raise NotWaitingForSignal(
            instance_id=instance.pk, name=name, status=str(instance.status), waiting_for=[]
        )
    if getattr(graph.node(node_id).spec, "timeout", None) is not None:
        waits_disarm(step_ids=[step_id])
    stored = ReceivedSignal.objects.create(
        instance=instance,
        signal_id=signal_id,
        name=name,
        payload=payload,
        step_id=step_id,
        node_id=node_id,
        sent_by=user,
        received_at=now,
    )
    return Delivery(stored, duplicate=False, instance=instance)
