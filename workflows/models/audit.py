"""Keyed seals over finished instances' event chains (workflows.audit.seals)."""

from __future__ import annotations

from django.db import models

from workflows.models.instances import WorkflowInstance


class AuditSeal(models.Model):
    """An HMAC, under a key the database does not hold, over an instance's event chain
    up to `last_seq` (whose hash is `tail_hash`). The chain's hashes alone can be
    recomputed by anyone who can write the table; the seal cannot."""

    instance = models.OneToOneField(
        WorkflowInstance, on_delete=models.CASCADE, primary_key=True, related_name="audit_seal"
    )
    last_seq = models.BigIntegerField()
    tail_hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)
    finished_at = models.DateTimeField(help_text="The instance's finished_at when it was sealed.")
    sealed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["finished_at"], name="wf_auditseal_finished")]

    def __str__(self) -> str:
        return f"seal of {self.instance_id} at event {self.last_seq}"
