# ruff: noqa: S608  (DDL built from constants: the table name and the digest; no user text)
"""The database side of the audit chain: the digest, the sealing trigger, the append-only guard.

Every writer of execution events (the applier's one-statement batch, the worker's claim
statement, the ORM) inserts rows with an empty `hash`; a trigger seals each row as it is
inserted: `prev_hash` = the hash of the same instance's event `seq - 1` ('' for the
first), `hash` = SHA-256 over a version tag, `prev_hash` and the row's content. Because
the database computes it, no insert path can forget it, and a row inserted by hand is
sealed too. A second trigger refuses UPDATE of a sealed row (the stream is append-only;
whole instances are still deleted by retention).

The digest is defined once per database and used by both the trigger and
`workflows.audit.verify` (so sealing and checking can never disagree):

* PostgreSQL: the SQL function `flowdesk_event_digest(...)`, over `payload::text` (jsonb's
  canonical text) and the UTC time to the microsecond.
* SQLite (standalone): the same shape as an expression over the row's stored text, with
  the SHA256 function Django registers on every SQLite connection.

Version 1 of the digest must never change: a new digest gets new names (v2) and a
migration that seals new rows with it.
"""

from __future__ import annotations

from typing import Any

TABLE = "workflows_executionevent"
DIGEST_TAG = "flowdesk.event.v1"

PG_DIGEST_FUNCTION = f"""
CREATE OR REPLACE FUNCTION flowdesk_event_digest(
    prev text, instance_id uuid, seq bigint, type text, step_id uuid, node_id text,
    actor_id bigint, payload jsonb, created_at timestamptz
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(
        '{DIGEST_TAG}' || chr(10) || prev || chr(10) || instance_id::text || chr(10) || seq::text
        || chr(10) || type || chr(10) || coalesce(step_id::text, '') || chr(10) || node_id
        || chr(10) || coalesce(actor_id::text, '') || chr(10) || payload::text || chr(10)
        || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
        'UTF8')), 'hex')
$$;
"""

PG_DIGEST_OF_ROW = (
    "flowdesk_event_digest({p}prev_hash, {p}instance_id, {p}seq, {p}type, {p}step_id, {p}node_id, "
    "{p}actor_id, {p}payload, {p}created_at)"
)

PG_SEAL = f"""
CREATE OR REPLACE FUNCTION flowdesk_event_seal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT e.hash INTO NEW.prev_hash FROM {TABLE} e
    WHERE e.instance_id = NEW.instance_id AND e.seq = NEW.seq - 1;
    NEW.prev_hash := coalesce(NEW.prev_hash, '');
    NEW.hash := {PG_DIGEST_OF_ROW.format(p="NEW.")};
    RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS flowdesk_event_seal ON {TABLE};
CREATE TRIGGER flowdesk_event_seal BEFORE INSERT ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION flowdesk_event_seal();
"""

PG_GUARD = f"""
CREATE OR REPLACE FUNCTION flowdesk_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'execution events are append-only (event % of instance %)', OLD.seq, OLD.instance_id
        USING ERRCODE = 'restrict_violation';
END
$$;
DROP TRIGGER IF EXISTS flowdesk_event_append_only ON {TABLE};
CREATE TRIGGER flowdesk_event_append_only BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION flowdesk_event_append_only();
"""

# Seal rows written before the chain existed, in order (each hash needs the previous one).
PG_BACKFILL = f"""
DO $$
DECLARE
    r record;
    prev_instance uuid := NULL;
    prev_seq bigint := 0;
    prev text := '';
    sealed text;
BEGIN
    FOR r IN SELECT * FROM {TABLE} ORDER BY instance_id, seq LOOP
        IF prev_instance IS DISTINCT FROM r.instance_id OR r.seq <> prev_seq + 1 THEN
            prev := '';
        END IF;
        sealed := flowdesk_event_digest(prev, r.instance_id, r.seq, r.type, r.step_id, r.node_id,
                                        r.actor_id, r.payload, r.created_at);
        UPDATE {TABLE} SET prev_hash = prev, hash = sealed WHERE id = r.id;
        prev := sealed;
        prev_instance := r.instance_id;
        prev_seq := r.seq;
    END LOOP;
END
$$;
"""

PG_DROP = f"""
DROP TRIGGER IF EXISTS flowdesk_event_append_only ON {TABLE};
DROP TRIGGER IF EXISTS flowdesk_event_seal ON {TABLE};
DROP FUNCTION IF EXISTS flowdesk_event_append_only();
DROP FUNCTION IF EXISTS flowdesk_event_seal();
DROP FUNCTION IF EXISTS flowdesk_event_digest(text, uuid, bigint, text, uuid, text, bigint, jsonb, timestamptz);
"""

SQLITE_DIGEST_OF_ROW = (
    f"SHA256('{DIGEST_TAG}' || char(10) || {{p}}prev_hash || char(10) || {{p}}instance_id || char(10) "
    "|| CAST({p}seq AS TEXT) || char(10) || {p}type || char(10) || coalesce({p}step_id, '') || char(10) "
    "|| {p}node_id || char(10) || coalesce(CAST({p}actor_id AS TEXT), '') || char(10) || {p}payload "
    "|| char(10) || {p}created_at)"
)

SQLITE_PREV = (
    f"coalesce((SELECT e.hash FROM {TABLE} e WHERE e.instance_id = NEW.instance_id "
    "AND e.seq = NEW.seq - 1), '')"
)

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS flowdesk_event_seal",
    f"""CREATE TRIGGER flowdesk_event_seal AFTER INSERT ON {TABLE} BEGIN
        UPDATE {TABLE} SET prev_hash = {SQLITE_PREV} WHERE id = NEW.id;
        UPDATE {TABLE} SET hash = {SQLITE_DIGEST_OF_ROW.format(p="")} WHERE id = NEW.id;
    END""",
    "DROP TRIGGER IF EXISTS flowdesk_event_append_only",
    # The seal's own two UPDATEs run while `hash` is still empty; a sealed row is frozen.
    f"""CREATE TRIGGER flowdesk_event_append_only BEFORE UPDATE ON {TABLE} WHEN OLD.hash <> '' BEGIN
        SELECT RAISE(ABORT, 'execution events are append-only');
    END""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS flowdesk_event_append_only",
    "DROP TRIGGER IF EXISTS flowdesk_event_seal",
]


def install(schema_editor: Any) -> None:
    """Create the digest, seal existing rows, then add the triggers (migration helper)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DIGEST_FUNCTION, None)
        schema_editor.execute(PG_BACKFILL, None)
        schema_editor.execute(PG_SEAL, None)
        schema_editor.execute(PG_GUARD, None)
    elif vendor == "sqlite":
        _sqlite_backfill(schema_editor)
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement, None)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP, None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, None)


def _sqlite_backfill(schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {TABLE} ORDER BY instance_id, seq")
        for (event_id,) in cursor.fetchall():
            cursor.execute(
                f"UPDATE {TABLE} SET prev_hash = (SELECT coalesce((SELECT p.hash FROM {TABLE} p "
                f"WHERE p.instance_id = e.instance_id AND p.seq = e.seq - 1), '') FROM {TABLE} e "
                "WHERE e.id = %s) WHERE id = %s",
                [event_id, event_id],
            )
            cursor.execute(
                f"UPDATE {TABLE} SET hash = {SQLITE_DIGEST_OF_ROW.format(p='')} WHERE id = %s",
                [event_id],
            )
