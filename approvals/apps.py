from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        # The engine seam: the runtime calls these inside the instance's locked transaction.
        from approvals.services.engine import register_engine_effects

        register_engine_effects()
