"""Seal execution events into per-instance hash chains and make them append-only (workflows.audit)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from workflows.audit import sql as audit_sql


def install(apps, schema_editor):
    audit_sql.install(schema_editor)


def uninstall(apps, schema_editor):
    audit_sql.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0002_engine_instances"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="executionevent",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="executionevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="executionevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
