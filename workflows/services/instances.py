"""Start instances and apply events to them: the one path every engine event takes.

Locking policy (the order is fixed; never take these the other way round):

1. the instance row: `SELECT ... FOR UPDATE` (`runtime.repository.lock_instance`), held
   for the whole load -> decide -> write cycle, so decisions for one instance never
   interleave (a join fires once, a late report sees the step moved on);
2. then its step rows, read (not locked: every writer of a step's status holds the
   instance lock first; a worker's claim locks the instance inside its one statement;
   lease renewals touch only `lease_expires_at` of one row and wait for nothing);
3. then rows created for it (steps, events, waits) and other apps' rows through
   registered effects (approval tasks).
A worker reporting a local step from the rows it kept (`runtime.units.Known`) skips the
locking read: its one write statement takes the instance lock first (the instance UPDATE
is the main statement, run before the data-modifying CTEs) and holds only while the row
is as the worker left it; otherwise it is rolled back and redone from step 1.
Never two instance rows in one transaction: a parent and a child talk through
messages sent after commit. Circuit-breaker rows are locked only outside instance
transactions. Celery messages and channel-layer pushes leave in `on_commit` only.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from workflows.engine import decide
from workflows.engine.events import Event, InstanceStarted
from workflows.models import (
    ExecutionEvent,
    VersionStatus,
    WorkflowDefinition,
    WorkflowInstance,
    WorkflowVersion,
)
from workflows.observability.correlation import current as current_correlation_id
from workflows.runtime.applier import Applier, StaleInstance
from workflows.runtime.graphs import BuiltVersion, built_version, graph_for_version
from workflows.runtime.inputs import input_problems
from workflows.runtime.repository import build_state, load_steps, lock_instance
from workflows.runtime.units import Annotations, Known, LocalBudget, LocalClaim
from workflows.selectors.definitions import (
    can_start,
    definition_get_for_user,
    definitions_visible_to,
    version_get,
)
from workflows.services.engine_errors import (
    DuplicateBusinessKey,
    InvalidInput,
    InvalidState,
    NoPublishedVersion,
    VersionNotStartable,
)
from workflows.services.errors import invalid

_rng = random.SystemRandom()
MAX_KEY_LENGTH = 200


@dataclass
class Applied:
    """What one event did: the instance after it, why it was ignored (if it was), the
    events appended, and a step the reporting worker claimed to run next (local)."""

    instance: WorkflowInstance
    ignored: str | None = None
    events: list[ExecutionEvent] = field(default_factory=list)
    local_claim: LocalClaim | None = None


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None


def instance_start(
    *,
    definition_key: str,
    version: int | None = None,
    input: Any,
    business_key: str = "",
    started_by: Any,
    correlation_id: str | None = None,
    parent: WorkflowInstance | None = None,
    parent_step_id: UUID | str | None = None,
) -> WorkflowInstance:
    """Start an instance of `definition_key` on `version` (default: the latest published).

    Raises 404 (definition or version not visible), 403 (may view but not start),
    400 invalid_input (per-field details: missing, mistyped, unknown), 409 version_retired,
    409 not_published, 409 duplicate_business_key. A deprecated version starts, flagged
    `started_on_deprecated`. One transaction: insert the instance, apply `InstanceStarted`,
    write steps and events; the first steps are dispatched after commit.
    """
    if parent is None:
        definition = _definition_for_start(started_by, definition_key, latest=version is None)
    else:  # a sub-workflow: the parent's published graph chose it, whoever started the parent
        definition = _child_definition(definition_key, latest=version is None)
    if parent is None and not can_start(started_by, definition):
        raise PermissionDenied("You may view this workflow but not start it.")
    if version is None:
        pinned, built = _latest_startable(definition)
    else:
        pinned = version_get(definition=definition, number=version)
        if pinned.status == VersionStatus.RETIRED:
            raise VersionNotStartable(f"Version {version} of {definition.key} is retired.")
        built = built_version(pinned.pk, pinned.graph, pinned.number)
    if not isinstance(business_key, str) or len(business_key) > MAX_KEY_LENGTH:
        raise invalid("business_key", f"must be a string of at most {MAX_KEY_LENGTH} characters")
    correlation = correlation_id or current_correlation_id()  # the request's X-Correlation-ID, if any
    if not isinstance(correlation, str) or len(correlation) > MAX_KEY_LENGTH:
        raise invalid("correlation_id", f"must be a string of at most {MAX_KEY_LENGTH} characters")
    problems = input_problems(built.inputs, input)
    if problems:
        raise InvalidInput(problems)

    graph = built.graph
    now = timezone.now()
    user = started_by if started_by is not None and started_by.is_authenticated else None
    instance = WorkflowInstance(
        id=uuid.uuid4(),
        definition=definition,
        version=pinned,
        input=graph.with_input_defaults(input),
        business_key=business_key,
        correlation_id=correlation,
        started_by=user,
        started_on_deprecated=pinned.status == VersionStatus.DEPRECATED,
        parent=parent,
        parent_step_id=parent_step_id,
        depth=(parent.depth + 1) if parent is not None else 0,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            applier = Applier(instance, {}, now=now, actor_id=_actor_id(started_by), is_new=True)
            applier.log.instance_event(
                "instance_started",
                definition=definition.key,
                version=built.number,
                business_key=business_key,
                deprecated_version=instance.started_on_deprecated,
            )
            decision = decide(graph, build_state(instance, {}), InstanceStarted(), now=now, rng=_rng)
            applier.apply(decision.commands, decision.state)
            applier.finish()
    except IntegrityError as exc:
        if "workflow_instance_unique_business_key" in str(exc):
            raise DuplicateBusinessKey(definition=definition.key, business_key=business_key) from None
        raise
    return instance


def _with_start_version(queryset: QuerySet[WorkflowDefinition]) -> QuerySet[WorkflowDefinition]:
    """Annotate `start_version_id`: the newest published (not deprecated or retired)
    version, where new instances start (`version_latest_startable` in the same query)."""
    newest = WorkflowVersion.objects.filter(definition=OuterRef("pk"), status=VersionStatus.PUBLISHED)
    return queryset.annotate(start_version_id=Subquery(newest.order_by("-number").values("pk")[:1]))


def _definition_for_start(user: Any, key: str, *, latest: bool) -> WorkflowDefinition:
    """`definition_get_for_user`, with the version to start on when `latest`."""
    if not latest:
        return definition_get_for_user(user=user, key=key)
    found = _with_start_version(definitions_visible_to(user)).filter(key=key).first()
    if found is None:
        raise Http404(f"no workflow definition {key!r}")
    return found


def _child_definition(key: str, *, latest: bool) -> WorkflowDefinition:
    queryset = WorkflowDefinition.objects.filter(key=key)
    found = (_with_start_version(queryset) if latest else queryset).first()
    if found is None:
        raise Http404(f"no workflow definition {key!r}")
    return found


def _latest_startable(definition: WorkflowDefinition) -> tuple[WorkflowVersion, BuiltVersion]:
    """The version a new instance of `definition` starts on (annotated by
    `_with_start_version`), as a row with its graph deferred, and its built form (cached
    per process: a published version never changes)."""
    version_id = getattr(definition, "start_version_id", None)
    if version_id is None:
        raise NoPublishedVersion(f"{definition.key} has no published version to start.")
    built = built_version(version_id)
    values = [version_id, definition.pk, built.number, str(VersionStatus.PUBLISHED)]
    pinned = WorkflowVersion.from_db(DEFAULT_DB_ALIAS, ["id", "definition_id", "number", "status"], values)
    WorkflowVersion._meta.get_field("definition").set_cached_value(pinned, definition)
    return pinned, built  # type: ignore[return-value]


def instance_apply(
    instance_id: UUID | str,
    event: Event,
    *,
    actor: Any = None,
    annotations: Annotations | None = None,
    local: LocalBudget | None = None,
    now: datetime | None = None,
    known: Known | None = None,
) -> Applied:
    """Apply one engine event to an instance: lock, load, decide, write, dispatch after commit.

    THE path for every event (workers' reports, timers, signals, approvals, operators).
    Joins the caller's transaction if there is one. Idempotent: an event the core
    ignores (a duplicate, a stale attempt, a finished instance) writes nothing and
    returns `Applied(ignored=reason)`. With `local`, a lone short next step is claimed
    for the calling worker (see `runtime.applier`). Raises WorkflowInstance.DoesNotExist.

    `known` is what the calling worker's previous transaction on this instance left
    (`runtime.units.Known`, a local chain): outside any transaction on PostgreSQL the
    event is first decided from it without the locking read, and written with a guard
    that takes the row lock and holds only if nothing wrote the row since; otherwise
    (or when the core ignores the event there) it is rolled back and applied as usual.
    """
    if known is not None and known.version is not None and not transaction.get_connection().in_atomic_block:
        applied = _apply_known(known, event, actor=actor, annotations=annotations, local=local, now=now)
        if applied is not None:
            return applied
        known = None  # the rows kept in memory may hold the rolled-back attempt's changes
    with transaction.atomic(savepoint=False):
        instance = lock_instance(instance_id)
        return apply_locked(
            instance, event, actor=actor, annotations=annotations, local=local, now=now, known=known
        )


def _apply_known(known: Known, event: Event, **kwargs: Any) -> Applied | None:
    """`instance_apply` from a worker's kept rows with a guarded write (one transaction:
    the write, effects, commit); None when the guard failed or the core ignored the event."""
    try:
        with transaction.atomic():
            return apply_locked(known.instance, event, known=known, guard=known, strict=True, **kwargs)
    except (StaleInstance, InvalidState, IntegrityError):
        return None


def apply_locked(
    instance: WorkflowInstance,
    event: Event,
    *,
    actor: Any = None,
    annotations: Annotations | None = None,
    local: LocalBudget | None = None,
    now: datetime | None = None,
    prepare: Callable[[Applier], None] | None = None,
    strict: bool = False,
    known: Known | None = None,
    guard: Known | None = None,
) -> Applied:
    """`instance_apply` for a caller already holding the instance lock.

    `prepare(applier)` runs adapter transitions first (an operator reopening a failed
    step); with `strict`, an event the core ignores raises 409 invalid_state (rolling
    back whatever `prepare` did) instead of returning quietly. `known` (see
    `runtime.units.Known`): its live step rows are used instead of reading them again when
    the instance's `last_seq` shows nothing changed since. With `guard` (= `known`) the
    caller has not locked the row: the write holds only if the row is still as `guard`
    left it, else `StaleInstance` is raised (and the caller rolls back).
    """
    now = now or timezone.now()
    if known is not None and known.seq == instance.last_seq:
        steps = dict(known.steps)
    else:
        steps = load_steps(instance)
    applier = Applier(
        instance,
        steps,
        now=now,
        actor_id=_actor_id(actor),
        annotations=annotations,
        local=local,
        guard=guard,
    )
    if prepare is not None:
        prepare(applier)
    graph = graph_for_version(instance.version_id)
    decision = decide(graph, build_state(instance, applier.steps), event, now=now, rng=_rng)
    if decision.ignored is not None:
        if strict:
            raise InvalidState(f"Nothing to do: {decision.ignored}.", reason=decision.ignored)
        return Applied(instance, ignored=decision.ignored)
    applier.apply(decision.commands, decision.state)
    applier.finish()
    return Applied(instance, events=applier.log.events, local_claim=applier.local_claim)


def instance_lock_or_404(instance_id: UUID | str) -> WorkflowInstance:
    """Lock an instance row for an operation; 404 when there is none."""
    from django.http import Http404

    try:
        return lock_instance(instance_id)
    except (WorkflowInstance.DoesNotExist, ValueError, TypeError):
        raise Http404("no such instance") from None
