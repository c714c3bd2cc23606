# ruff: noqa: S608  (SQL assembled from model metadata: quoted table and column names; values are parameters)
"""Send a transaction's writes as ONE statement on PostgreSQL.

The engine's writes for one event (insert new steps, update changed steps, update or
insert the instance, insert events and durable waits) touch different rows and do not
depend on each other's results, so on PostgreSQL they go out together as one statement
of data-modifying CTEs: `WITH w0 AS (INSERT ...), w1 AS (UPDATE ...) UPDATE ...`.
Foreign keys are deferred (Django creates them DEFERRABLE INITIALLY DEFERRED), so the
order inside the statement does not matter. Other databases (SQLite in standalone mode)
run the parts one by one, in the order given, compiled by Django's SQL compilers.

On PostgreSQL the SQL of each part is assembled here from the model's columns (cached
per model) instead of through Django's compilers, which cost about half a millisecond
per part on this path; every value still goes through its field's `get_db_prep_save`
(and `pre_save` for inserts), so conversion (JSON, UUIDs, datetimes) is exactly the
ORM's. A value that is a query expression (F, Func) falls back to the compilers, except
`JsonbAppend` (`column || delta`), which is spelled out here.

Precondition: no row is written twice in one batch (PostgreSQL refuses that).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Case, F, Field, Func, JSONField, Model, Value, When
from django.db.models.functions import Cast
from django.db.models.sql import InsertQuery, UpdateQuery
from psycopg.adapt import Transformer

_JSON = JSONField()
"""One shared output field: building a JSONField per value costs more than the rest of it."""


class JsonbAppend(Func):
    """`column || delta` (PostgreSQL jsonb): merge top-level keys, or append to an array."""

    template = "%(expressions)s"
    arg_joiner = " || "

    def __init__(self, column: str, delta: Any) -> None:
        super().__init__(F(column), Value(delta, output_field=_JSON), output_field=_JSON)
        self.column = column
        self.delta = delta


class _Table:
    """A model's table as the fast path writes it: quoted names, insert columns, fields."""

    def __init__(self, model: type[Model]) -> None:
        opts = model._meta
        quote = connection.ops.quote_name
        self.name = quote(opts.db_table)
        self.pk_column = quote(opts.pk.column)
        self.pk_field: Field[Any, Any] = opts.pk
        self.insert_fields = [f for f in opts.concrete_fields if not f.generated and f is not opts.auto_field]
        self.plain = not any(hasattr(f, "get_placeholder") for f in self.insert_fields)
        self.insert_head = (
            f"INSERT INTO {self.name} ({', '.join(quote(f.column) for f in self.insert_fields)}) VALUES "
        )
        self.row = f"({', '.join(['%s'] * len(self.insert_fields))})"
        self.fields = {
            **{f.name: f for f in opts.concrete_fields},
            **{f.attname: f for f in opts.concrete_fields},
        }
        self.columns = {name: quote(f.column) for name, f in self.fields.items()}


_tables: dict[type[Model], _Table] = {}


def _table(model: type[Model]) -> _Table:
    found = _tables.get(model)
    if found is None:
        found = _tables[model] = _Table(model)
    return found


class WriteBatch:
    def __init__(self) -> None:
        self._parts: list[tuple[str, tuple[Any, ...]]] = []
        self._inserted: list[Model] = []
        # The connection itself, not the `django.db.connection` proxy: every attribute read
        # through the proxy looks the connection up again (fields read `ops` and `features`
        # for every value converted).
        self._db = connections[DEFAULT_DB_ALIAS]
        self._fast = self._db.vendor == "postgresql"
        self._returns = False
        self._returns_at = -1

    def __len__(self) -> int:
        return len(self._parts)

    def insert(self, model: type[Model], objs: Sequence[Model]) -> None:
        """INSERT `objs` (auto primary keys are left to the database and not read back)."""
        if not objs:
            return
        if not (self._fast and self._insert_fast(model, objs)):
            opts = model._meta
            fields = [f for f in opts.concrete_fields if not f.generated and f is not opts.auto_field]
            query = InsertQuery(model)
            query.insert_values(fields, objs)
            for sql, params in query.get_compiler(connection=connection).as_sql():
                self._parts.append((sql, tuple(params)))
        self._inserted.extend(objs)

    def _insert_fast(self, model: type[Model], objs: Sequence[Model]) -> bool:
        table = _table(model)
        if not table.plain:
            return False
        params: list[Any] = []
        for obj in objs:
            for field in table.insert_fields:
                value = field.pre_save(obj, True)
                if hasattr(value, "resolve_expression"):
                    return False
                params.append(field.get_db_prep_save(value, connection=self._db))
        self._parts.append((table.insert_head + ", ".join([table.row] * len(objs)), tuple(params)))
        return True

    def update(self, model: type[Model], pk: Any, values: dict[str, Any]) -> None:
        """UPDATE one row by primary key; values may be expressions (F, Func)."""
        if values:
            self._update(model, [pk], values)

    def update_versioned(
        self,
        model: type[Model],
        pk: Any,
        values: dict[str, Any],
        *,
        expect_version: str | None = None,
        expect: dict[str, Any] | None = None,
    ) -> None:
        """UPDATE one row by primary key as the batch's main statement (add it last) and
        return the row's new version (`xmin`) from `execute()`. With `expect_version` (and
        `expect`: field values), only while the row is still at that version (and has those
        values); `execute()` then returns None when it was not. PostgreSQL only."""
        if not self._fast or not self._update_fast(model, [pk], values):
            raise ValueError("update_versioned needs PostgreSQL and plain values (or JsonbAppend)")
        sql, params = self._parts[-1]
        table = _table(model)
        conditions, extra = [], []
        if expect_version is not None:
            conditions.append(f"{table.name}.xmin = %s::xid")
            extra.append(expect_version)
        for name, value in (expect or {}).items():
            conditions.append(f"{table.name}.{table.columns[name]} = %s")
            extra.append(table.fields[name].get_db_prep_value(value, connection=self._db))
        where = "".join(f" AND {condition}" for condition in conditions)
        self._parts[-1] = (f"{sql}{where} RETURNING {table.name}.xmin::text", (*params, *extra))
        self._returns = True
        self._returns_at = len(self._parts) - 1

    def update_many(self, model: type[Model], rows: Sequence[Model], fields: Iterable[str]) -> None:
        """UPDATE several rows, each to its own values of `fields` (one CASE per field)."""
        names = sorted(fields)
        if not rows or not names:
            return
        if len(rows) == 1:
            self.update(model, rows[0].pk, {name: getattr(rows[0], name) for name in names})
            return
        values: dict[str, Any] = {}
        for name in names:
            field = model._meta.get_field(name)
            whens = [When(pk=row.pk, then=Value(getattr(row, name), output_field=field)) for row in rows]
            case: Any = Case(*whens, output_field=field)
            if connection.features.requires_casted_case_in_updates:
                case = Cast(case, output_field=field)
            values[name] = case
        self._update(model, [row.pk for row in rows], values)

    def _update(self, model: type[Model], pks: list[Any], values: dict[str, Any]) -> None:
        if self._fast and self._update_fast(model, pks, values):
            return
        query = UpdateQuery(model)
        query.add_update_values(values)
        query.add_filter("pk__in", pks)
        sql, params = query.get_compiler(connection=connection).as_sql()
        self._parts.append((sql, tuple(params)))

    def _update_fast(self, model: type[Model], pks: list[Any], values: dict[str, Any]) -> bool:
        table = _table(model)
        sets: list[str] = []
        params: list[Any] = []
        for name, value in values.items():
            field = table.fields.get(name)
            if field is None or field.primary_key or hasattr(field, "get_placeholder"):
                return False
            column = table.columns[name]
            if isinstance(value, JsonbAppend):
                sets.append(f"{column} = {table.name}.{column} || %s")
                params.append(field.get_db_prep_save(value.delta, connection=self._db))
                continue
            if hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save"):
                return False
            prepared = field.get_db_prep_save(value, connection=self._db)
            if prepared is None:
                sets.append(f"{column} = NULL")
            else:
                sets.append(f"{column} = %s")
                params.append(prepared)
        keys = [table.pk_field.get_db_prep_value(pk, connection=self._db) for pk in pks]
        where = f"{table.pk_column} IN ({', '.join(['%s'] * len(keys))})"
        self._parts.append((f"UPDATE {table.name} SET {', '.join(sets)} WHERE {where}", (*params, *keys)))
        return True

    def execute(self) -> str | None:
        """Run the batch (one statement on PostgreSQL, else one per part). Returns the row
        version of an `update_versioned` main statement (None if its guard failed)."""
        if not self._parts:
            return None
        if self._returns and self._returns_at != len(self._parts) - 1:
            raise ValueError("update_versioned must be the batch's last part")
        version = None
        with self._db.cursor() as cursor:
            if self._fast:
                *ctes, (main_sql, main_params) = self._parts
                head = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(ctes))
                params: list[Any] = [p for _, part in ctes for p in part]
                statement = f"WITH {head} {main_sql}" if ctes else main_sql
                cursor.execute(_merged(cursor.cursor, statement, [*params, *main_params]))
            else:
                for sql, part_params in self._parts:
                    cursor.execute(sql, part_params)
            if self._returns:
                row = cursor.fetchone()
                version = row[0] if row is not None else None
        for obj in self._inserted:
            obj._state.adding = False
            obj._state.db = self._db.alias
        self._parts.clear()
        self._inserted.clear()
        self._returns = False
        return version


def _merged(raw_cursor: Any, sql: str, params: Sequence[Any]) -> str:
    """`sql` with its `%s` placeholders replaced by the values as SQL literals, exactly as
    psycopg's client-side binding (Django's default) does it (`Transformer.as_literal`,
    NULL for None, `%%` for a percent sign), without psycopg parsing the statement again:
    it re-parses statements of more than 50 parameters on every call, and this one is
    written for every step."""
    transformer = Transformer(raw_cursor)
    literals = tuple(b"NULL" if value is None else transformer.as_literal(value) for value in params)
    encoding = transformer.encoding
    return (sql.encode(encoding) % literals).decode(encoding)
