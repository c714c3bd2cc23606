"""Signals: accept them for the steps waiting for them, apply them on a worker.

Delivery has two halves, so the API can take many signals a second while workflows run:

* `signal_accept` / `signal_accept_routed` (the API): validate, check access and that a
  live step of the instance waits for `name` (one read, no lock), store the signal
  `accepted` idempotently (one insert), answer 202; a repeated `id` answers 200 with the
  first row (`duplicate`); nothing waiting: 409 `not_waiting_for_signal`, nothing stored
  (`workflows.waits.signal_inbox`).
* a worker applies accepted signals in batches, each under its instance's lock, through
  the engine (`workflows.waits.signal_apply`): the row becomes `delivered` (the step's
  output is the payload) or `not_delivered` with the reason when the step stopped waiting
  in between.

`signal_send` / `signal_route` do both at once in the caller (for code that wants the
outcome before it goes on, as the examples' tests do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import Http404

from workflows.models import ReceivedSignal, WorkflowInstance
from workflows.models.signals import MAX_SIGNAL_ID_LENGTH, MAX_SIGNAL_NAME_LENGTH, SignalStatus
from workflows.selectors.instances import instances_visible_to
from workflows.services.errors import invalid
from workflows.waits.errors import NotWaitingForSignal
from workflows.waits.signal_apply import signals_apply
from workflows.waits.signal_inbox import Acceptance, signal_accept


@dataclass(frozen=True)
class Delivery:
    """What `signal_send` did: the signal as applied, whether it was a repeat of an
    earlier id, and the instance afterwards."""

    signal: ReceivedSignal
    duplicate: bool
    instance: WorkflowInstance


def _check(name: Any, signal_id: Any) -> tuple[str, str]:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_SIGNAL_NAME_LENGTH:
        raise invalid("name", f"must be a non-empty string of at most {MAX_SIGNAL_NAME_LENGTH} characters")
    signal_id = "" if signal_id is None else signal_id
    if not isinstance(signal_id, str) or len(signal_id) > MAX_SIGNAL_ID_LENGTH:
        raise invalid("id", f"must be a string of at most {MAX_SIGNAL_ID_LENGTH} characters")
    return name, signal_id


def routed_instance(*, definition_key: Any, business_key: Any, actor: Any) -> UUID:
    """The instance of `definition_key` with `business_key` visible to `actor` (unique per
    definition); 404 when there is none, 400 for malformed keys."""
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
    return found


def signal_accept_checked(
    *,
    instance_id: UUID | str,
    name: Any,
    payload: Any = None,
    signal_id: Any = "",
    actor: Any,
    dispatch: bool = True,
) -> Acceptance:
    """`signal_accept` with `name` and `signal_id` checked (400 invalid)."""
    name, signal_id = _check(name, signal_id)
    return signal_accept(
        instance_id=instance_id,
        name=name,
        payload=payload,
        signal_id=signal_id,
        actor=actor,
        dispatch=dispatch,
    )


def signal_send(
    *, instance_id: UUID | str, name: Any, payload: Any = None, signal_id: Any = "", actor: Any
) -> Delivery:
    """Accept signal `name` for instance `instance_id` and apply it now, in the caller.

    Raises 404 (hidden or missing), 403 (may only view it), 400 invalid (name, id),
    409 not_waiting_for_signal (also when the step stopped waiting between the two halves:
    the row then stays `not_delivered`).
    """
    with transaction.atomic():
        accepted = signal_accept_checked(
            instance_id=instance_id,
            name=name,
            payload=payload,
            signal_id=signal_id,
            actor=actor,
            dispatch=False,
        )
    signal = accepted.signal
    if not accepted.duplicate:
        signals_apply([signal.pk])
        signal.refresh_from_db()
        if signal.status != SignalStatus.DELIVERED:
            instance = WorkflowInstance.objects.get(pk=signal.instance_id)
            raise NotWaitingForSignal(
                instance_id=instance.pk, name=signal.name, status=str(instance.status), waiting_for=[]
            )
    return Delivery(
        signal, duplicate=accepted.duplicate, instance=WorkflowInstance.objects.get(pk=signal.instance_id)
    )


def signal_route(
    *, definition_key: Any, business_key: Any, name: Any, payload: Any = None, signal_id: Any = "", actor: Any
) -> Delivery:
    """`signal_send` to the instance of `definition_key` with `business_key`."""
    found = routed_instance(definition_key=definition_key, business_key=business_key, actor=actor)
    return signal_send(instance_id=found, name=name, payload=payload, signal_id=signal_id, actor=actor)
