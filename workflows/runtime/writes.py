"""Send a transaction's writes as ONE statement on PostgreSQL.

The engine's writes for one event (insert new steps, update changed steps, update or
insert the instance, insert events and durable waits) touch different rows and do not
depend on each other's results, so on PostgreSQL they go out together as one statement
of data-modifying CTEs: `WITH w0 AS (INSERT ...), w1 AS (UPDATE ...) UPDATE ...`.
Foreign keys are deferred (Django creates them DEFERRABLE INITIALLY DEFERRED), so the
order inside the statement does not matter. Each part is compiled by Django's own SQL
compilers, so field conversion (JSON, UUIDs, datetimes) is exactly the ORM's. Other
databases (SQLite in standalone mode) run the parts one by one, in the order given.

Precondition: no row is written twice in one batch (PostgreSQL refuses that).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Case, Model, Value, When
from django.db.models.functions import Cast
from django.db.models.sql import InsertQuery, UpdateQuery


class WriteBatch:
    def __init__(self) -> None:
        self._parts: list[tuple[str, tuple[Any, ...]]] = []
        self._inserted: list[Model] = []

    def __len__(self) -> int:
        return len(self._parts)

    def insert(self, model: type[Model], objs: Sequence[Model]) -> None:
        """INSERT `objs` (auto primary keys are left to the database and not read back)."""
        if not objs:
            return
        opts = model._meta
        fields = [f for f in opts.concrete_fields if not f.generated and f is not opts.auto_field]
        query = InsertQuery(model)
        query.insert_values(fields, objs)
        for sql, params in query.get_compiler(connection=connection).as_sql():
            self._parts.append((sql, tuple(params)))
        self._inserted.extend(objs)

    def update(self, model: type[Model], pk: Any, values: dict[str, Any]) -> None:
        """UPDATE one row by primary key; values may be expressions (F, Func)."""
        if values:
            self._update(model, [pk], values)

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
        query = UpdateQuery(model)
        query.add_update_values(values)
        query.add_filter("pk__in", pks)
        sql, params = query.get_compiler(connection=connection).as_sql()
        self._parts.append((sql, tuple(params)))

    def execute(self) -> None:
        """Run the batch (one statement on PostgreSQL, else one per part)."""
        if not self._parts:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and len(self._parts) > 1:
                *ctes, (main_sql, main_params) = self._parts
                head = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(ctes))
                params: list[Any] = [p for _, part in ctes for p in part]
                cursor.execute(f"WITH {head} {main_sql}", [*params, *main_params])
            else:
                for sql, part_params in self._parts:
                    cursor.execute(sql, part_params)
        for obj in self._inserted:
            obj._state.adding = False
            obj._state.db = connection.alias
        self._parts.clear()
        self._inserted.clear()
