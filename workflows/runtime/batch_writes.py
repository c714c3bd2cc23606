# ruff: noqa: S608  (SQL assembled from model metadata: quoted table and column names; values are parameters)
"""Many instances in one transaction: lock them, read their steps, write their changes at once.

For firing a storm of durable waits (workflows.services.due_batch): instead of one
transaction per instance (BEGIN, lock, read steps, write, COMMIT), a batch of instances
is locked with one `SELECT ... FOR UPDATE SKIP LOCKED` (in id order), their live steps
are read with one query, each event is decided and applied in memory through the usual
`Applier` (`Applier.stage()`), and every instance's writes go out as ONE statement
(`ManyWriteBatch`: one INSERT of all new steps, one of all events, one of all durable
waits, one UPDATE of all changed steps and one of all instance rows, each row to its own
values through `UPDATE ... FROM (VALUES ...)`), then effects run per instance
(`Applier.written()`), then one COMMIT.

Locking: the locking policy (workflows.services.instances) keeps one instance row per
transaction because a transaction waiting for a second instance while holding a first
could deadlock. Here the instance rows are taken with SKIP LOCKED, which never waits: a
row someone else holds is left out (its wait is fired the usual way afterwards). What the
batch waits for afterwards (the locked instances' own due rows, rows it inserts) belongs to
instances it already holds, so nobody holding one of those can be waiting for it.
PostgreSQL only (the callers fall back to one transaction per event elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from workflows.models import DueWait, ExecutionEvent, StepExecution, WorkflowDefinition, WorkflowInstance
from workflows.runtime.applier import Writes
from workflows.runtime.repository import LOADED_STATUSES
from workflows.runtime.rows import Columns, column, table
from workflows.runtime.writes import JsonbAppend, WriteBatch, _table


class _Statements:
    """The batch's reads, spelled out once per process (see `workflows.runtime.rows`)."""

    def __init__(self) -> None:
        user_model = get_user_model()
        self.instance = Columns(WorkflowInstance, "i")
        self.definition = Columns(WorkflowDefinition, "d", defer=("graph",))
        self.user = Columns(user_model, "u")
        self.definition_pk = self.instance.width + self.definition.attnames.index(
            WorkflowDefinition._meta.pk.attname
        )
        self.user_pk = (
            self.instance.width
            + self.definition.width
            + self.user.attnames.index(user_model._meta.pk.attname)
        )
        instance_id = column(WorkflowInstance, "id")
        self.lock = (
            f"SELECT {self.instance.sql}, {self.definition.sql}, {self.user.sql} "
            f"FROM {table(WorkflowInstance)} i "
            f"INNER JOIN {table(WorkflowDefinition)} d ON d.{column(WorkflowDefinition, 'id')} = "
            f"i.{column(WorkflowInstance, 'definition')} "
            f"LEFT OUTER JOIN {table(user_model)} u ON u.{column(user_model, user_model._meta.pk.name)} = "
            f"i.{column(WorkflowInstance, 'started_by')} "
            f"WHERE i.{instance_id} = ANY(%s::uuid[]) ORDER BY i.{instance_id} FOR UPDATE OF i SKIP LOCKED"
        )
        self.steps = Columns(StepExecution, "s")
        statuses = ", ".join(["%s"] * len(LOADED_STATUSES))
        step_instance = column(StepExecution, "instance")
        self.steps_text = (
            f"SELECT {self.steps.sql} FROM {table(StepExecution)} s "
            f"WHERE s.{step_instance} = ANY(%s::uuid[]) AND s.{column(StepExecution, 'status')} "
            f"IN ({statuses}) ORDER BY s.{step_instance}, s.{column(StepExecution, 'created_at')} ASC"
        )
        wait_id = column(DueWait, "id")
        self.open_waits = (
            f"SELECT {wait_id} FROM {table(DueWait)} WHERE {wait_id} = ANY(%s::bigint[]) "
            f"AND {column(DueWait, 'fired_at')} IS NULL ORDER BY {wait_id} FOR UPDATE"
        )


@cache
def _sql() -> _Statements:
    """The statements, spelled once per process (on first use: the models must be ready)."""
    return _Statements()


def lock_instances(instance_ids: Iterable[Any]) -> dict[Any, WorkflowInstance]:
    """Lock the instance rows nobody else holds (SKIP LOCKED, in id order), with their
    definition and starter (not locked); by primary key. Rows held elsewhere, or gone,
    are simply absent."""
    ids = sorted({str(key) for key in instance_ids})
    if not ids:
        return {}
    db = connections[DEFAULT_DB_ALIAS]
    sql = _sql()
    with db.cursor() as cursor:
        cursor.execute(sql.lock, [ids])
        rows = cursor.fetchall()
    found: dict[Any, WorkflowInstance] = {}
    user_start = sql.instance.width + sql.definition.width
    definition_field = WorkflowInstance._meta.get_field("definition")
    user_field = WorkflowInstance._meta.get_field("started_by")
    definitions: dict[Any, Model] = {}  # a storm is mostly one definition and a few starters:
    users: dict[Any, Model] = {}  # each row of those is built once per batch, not per instance
    for row in rows:
        instance = sql.instance.build(row)
        definition = definitions.get(row[sql.definition_pk])
        if definition is None:
            definition = definitions[row[sql.definition_pk]] = sql.definition.build(row, sql.instance.width)
        definition_field.set_cached_value(instance, definition)
        user = None
        if row[sql.user_pk] is not None:
            user = users.get(row[sql.user_pk])
            if user is None:
                user = users[row[sql.user_pk]] = sql.user.build(row, user_start)
        user_field.set_cached_value(instance, user)
        found[instance.pk] = instance  # type: ignore[assignment]
    return found


def load_steps_many(instance_ids: Iterable[Any]) -> dict[Any, dict[str, StepExecution]]:
    """The live steps (and compensation in flight) of each instance, by instance primary
    key then step id, in creation order (as `repository.load_steps`). One query.
    Precondition: the instance rows are locked."""
    ids = [str(key) for key in instance_ids]
    by_instance: dict[Any, dict[str, StepExecution]] = {}
    if not ids:
        return by_instance
    sql = _sql()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql.steps_text, [ids, *(str(status) for status in LOADED_STATUSES)])
        rows = cursor.fetchall()
    for row in rows:
        step: Any = sql.steps.build(row)
        by_instance.setdefault(step.instance_id, {})[str(step.pk)] = step
    return by_instance


def lock_open_waits(wait_ids: Sequence[int]) -> set[int]:
    """Lock the due rows `wait_ids` that are still unfired and return their ids.
    Precondition: their instances are locked (so only a claim holds them, briefly)."""
    if not wait_ids:
        return set()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_sql().open_waits, [list(wait_ids)])
        return {row[0] for row in cursor.fetchall()}


class ManyWriteBatch(WriteBatch):
    """A `WriteBatch` that also updates many rows of a table, each to its own values."""

    def update_rows(self, model: type[Model], rows: Sequence[tuple[Any, dict[str, Any]]]) -> None:
        """UPDATE each `(pk, values)` row to its values in one statement part:
        `UPDATE t SET c = v.c, j = t.j || v.j FROM (VALUES ...) v WHERE t.pk = v.pk`.
        Values are plain (converted by the field, cast to its column type) or `JsonbAppend`;
        a column some rows do not set keeps their value (a JSON append of nothing)."""
        if not rows:
            return
        tab = _table(model)
        db = self._db
        names: dict[str, bool] = {}  # column -> is a JSON append
        for _, values in rows:
            for name, value in values.items():
                names[name] = names.get(name, False) or isinstance(value, JsonbAppend)
        fields = [tab.fields[name] for name in names]
        placeholders = ", ".join(
            [f"%s::{tab.pk_field.cast_db_type(db)}"] + [f"%s::{field.cast_db_type(db)}" for field in fields]
        )
        params: list[Any] = []
        keys = [tab.pk_field.get_db_prep_value(pk, connection=db) for pk, _ in rows]
        for key, (pk, values) in zip(keys, rows, strict=True):
            params.append(key)
            for (name, appends), field in zip(names.items(), fields, strict=True):
                value = values.get(name, _KEEP)
                if isinstance(value, JsonbAppend):
                    value = value.delta
                elif value is _KEEP:
                    if not appends:
                        raise ValueError(f"row {pk} of {model.__name__} has no value for {name}")
                    value = _empty_like(rows, name)
                elif hasattr(value, "resolve_expression"):
                    raise ValueError(f"{name}: only plain values and JsonbAppend are written in a batch")
                params.append(field.get_db_prep_save(value, connection=db))
        aliases = ["k", *(f"c{i}" for i in range(len(fields)))]
        sets = ", ".join(
            f"{tab.columns[name]} = {tab.name}.{tab.columns[name]} || v.c{i}" if appends
            else f"{tab.columns[name]} = v.c{i}"
            for i, (name, appends) in enumerate(names.items())
        )  # fmt: skip
        values_sql = ", ".join([f"({placeholders})"] * len(rows))
        self._parts.append(
            (
                f"UPDATE {tab.name} SET {sets} FROM (VALUES {values_sql}) AS v({', '.join(aliases)}) "
                # The key list again, as an index condition: a join with VALUES alone may be
                # planned as a scan of the whole table when its statistics are stale.
                f"WHERE {tab.name}.{tab.pk_column} = v.k AND {tab.name}.{tab.pk_column} "
                f"IN ({', '.join(['%s'] * len(keys))})",
                (*params, *keys),
            )
        )

    def update_all(self, model: type[Model], pks: Sequence[Any], values: dict[str, Any]) -> None:
        """UPDATE the rows `pks` to the same plain `values`."""
        if pks and values:
            self._update(model, list(pks), values)


_KEEP = object()


def _empty_like(rows: Sequence[tuple[Any, dict[str, Any]]], name: str) -> Any:
    """An empty delta of the kind the other rows append to `name` ({} or [])."""
    for _, values in rows:
        value = values.get(name)
        if isinstance(value, JsonbAppend):
            return [] if isinstance(value.delta, list) else {}
    return {}


def write_many(staged: Sequence[tuple[WorkflowInstance, Writes]], tail: ManyWriteBatch | None = None) -> None:
    """Write every staged instance's changes as one statement (plus the parts already in
    `tail`, e.g. the due rows to mark fired). Precondition: every instance row is locked,
    and no row appears twice (one event per instance per batch)."""
    batch = tail or ManyWriteBatch()
    changed: list[StepExecution] = []
    fields: set[str] = set()
    for _, writes in staged:
        changed.extend(writes.changed)
        fields |= writes.changed_fields
    batch.insert(StepExecution, [row for _, writes in staged for row in writes.created])
    batch.insert(ExecutionEvent, [event for _, writes in staged for event in writes.events])
    batch.insert(DueWait, [wait for _, writes in staged for wait in writes.waits])
    names = sorted(fields)
    batch.update_rows(
        StepExecution, [(row.pk, {name: getattr(row, name) for name in names}) for row in changed]
    )
    scalars = {
        name for _, writes in staged for name, value in writes.instance_values.items()
        if not isinstance(value, JsonbAppend)
    }  # fmt: skip
    batch.update_rows(
        WorkflowInstance,
        [
            (instance.pk, {**{name: getattr(instance, name) for name in scalars}, **writes.instance_values})
            for instance, writes in staged
        ],
    )
    batch.execute()
