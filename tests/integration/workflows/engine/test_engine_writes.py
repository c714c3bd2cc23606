"""The engine's write statement binds its values exactly as psycopg's client-side binding does."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models import JSONField
from psycopg import ClientCursor

from workflows.runtime.writes import _merged

pytestmark = pytest.mark.django_db


def test_values_are_merged_into_the_statement_as_psycopg_binds_them() -> None:
    # given: the kinds of values the engine writes, quotes and percent signs included
    connection.ensure_connection()
    json = JSONField().get_db_prep_save({"it's": "100% done", "n": [1, None, True]}, connection)
    params = [uuid.uuid4(), "O'Brien %s 50%", None, 3, 2.5, True, datetime(2026, 1, 2, 3, 4, 5, 6, UTC), json]
    sql = "SELECT %s, %s, %s, %s, %s, %s, %s, %s, '100%%'"
    # when
    merged = _merged(connection.connection.cursor(), sql, params)
    # then
    assert merged == ClientCursor(connection.connection).mogrify(sql, params)
    with connection.cursor() as cursor:
        cursor.execute(merged)
        row = cursor.fetchone()
    assert row[1] == "O'Brien %s 50%" and row[2] is None and row[8] == "100%"
