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
