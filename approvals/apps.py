from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        # The engine seam: the runtime calls these inside the instance's locked transaction.
        from approvals.services.engine import register_engine_effects

        register_engine_effects()

        from approvals.services.candidates import connect_live_candidates

        connect_live_candidates()  # the inbox's index of live tasks' candidates

        from django.db.models.signals import post_delete, post_save

        from approvals.models import SlaPolicy
        from approvals.services.instance_sla import forget_instance_sla_cache

        post_save.connect(
            forget_instance_sla_cache, sender=SlaPolicy, dispatch_uid="approvals-instance-sla-cache"
        )
        post_delete.connect(
            forget_instance_sla_cache, sender=SlaPolicy, dispatch_uid="approvals-instance-sla-cache-d"
        )
