"""Vacuum the live-candidate rows often (PostgreSQL): the table is small but churns (rows come
and go with every task that opens or closes), and the inbox's first page reads it through
its indexes; left to the default (20% of the table changed), dead index entries pile up
and the first page slows down (measured at 1M tasks: 44 ms -> 32 ms mean after a vacuum)."""

from django.db import migrations

TABLE = "approvals_livecandidate"


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} SET (autovacuum_vacuum_scale_factor = 0.01, "
            "autovacuum_vacuum_threshold = 500, autovacuum_analyze_scale_factor = 0.02)"
        )


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
            "autovacuum_analyze_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("approvals", "0006_history_indexes")]

    operations = [migrations.RunPython(tune, untune)]
