from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        # Live updates and observability: event-stream observers (metrics), the inbox push,
        # Celery correlation hooks and, when OTEL_* asks for it, tracing.
        from workflows.observability.setup import install

        install()
        # Waits: start children, report ends to parents and internal triggers, disarm the
        # waits of cancelled steps (runtime effects); their Celery tasks by name.
        from workflows.waits import signal_tasks, tasks  # noqa: F401
        from workflows.waits.hooks import register_wait_effects

        register_wait_effects()
