"""Indexes for the instance list (business-key prefix), the dashboard and retention (finished_at)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0004_waits_signals_schedules_triggers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='stepexecution',
            index=models.Index(condition=models.Q(('action', ''), _negated=True), fields=['finished_at'], name='wf_step_task_finished'),
        ),
        migrations.AddIndex(
            model_name='workflowinstance',
            index=models.Index(condition=models.Q(('business_key', ''), _negated=True), fields=['business_key'], name='wf_instance_business_key_like', opclasses=['varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='workflowinstance',
            index=models.Index(condition=models.Q(('finished_at__isnull', False)), fields=['finished_at'], name='wf_instance_finished'),
        ),
    ]
