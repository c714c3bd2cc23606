"""Hot statements as server-side prepared statements on Django's own PostgreSQL connection.

Django's psycopg backend binds parameters on the client: each execution sends the whole
SQL text with the values quoted in, and PostgreSQL parses and plans it again. The signal
accept path runs the same two statements hundreds of times a second on connections kept
between requests (the fast path's threads, a pool), so it binds them server-side and lets
psycopg prepare them once a connection has run them `prepare_threshold` times (the
DATABASES option, 2 in config.settings; None turns preparing off, and they then run
unprepared). A connection used once never pays for a preparation it won't reuse.

Errors are Django's (`connection.wrap_database_errors`), and the connection's transaction
state is untouched: inside `atomic()` the statement is part of the transaction, outside
it autocommits like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from django.db import connection


def fetchone_prepared(sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row of `sql` (`%(name)s` placeholders), bound server-side (prepared once the
    connection has run it often enough)."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
