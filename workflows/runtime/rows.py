"""Read model rows with hand-written SQL on the engine's hot path (PostgreSQL).

Django's compiler costs about half a millisecond to turn a queryset into SQL, on every
call, for statements whose text never changes (lock the instance, read its live steps).
`Columns` spells out a model's select list once per process and turns each fetched row
into a model instance the way the ORM's iterator does: the backend's and the field's
converters (`from_db_value`: JSON text into Python), then `Model.from_db`, so what comes
back is the same object a queryset would have returned (deferred columns load lazily).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


class Columns:
    """The select list of `model` under table alias `alias`, and rows back into models."""

    def __init__(self, model: type[Model], alias: str, *, defer: Sequence[str] = ()) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        quote = connection.ops.quote_name
        self.model = model
        self.fields = [
            f for f in model._meta.concrete_fields if f.name not in defer and f.attname not in defer
        ]
        self.attnames = [f.attname for f in self.fields]
        self.width = len(self.fields)
        self.sql = ", ".join(f"{alias}.{quote(f.column)}" for f in self.fields)
        self.converters: list[tuple[int, list[Any], Any]] = []
        for index, field in enumerate(self.fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                self.converters.append((index, found, col))

    def build(self, row: Sequence[Any], start: int = 0) -> Model:
        """The model instance of `row[start:start + width]`."""
        connection = connections[DEFAULT_DB_ALIAS]  # this thread's (not the proxy: one lookup)
        values = list(row[start : start + self.width])
        for index, converters, col in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, col, connection)
            values[index] = value
        return self.model.from_db(connection.alias, self.attnames, values)


def table(model: type[Model]) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.get_field(name).column)
