"""The audit trail: one table in the public schema, appended to by `core.audit.audit_record`."""

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Who did what, to which object, in which organisation, and why.

    Ids are plain integers rather than foreign keys so this leaf app depends on no other
    app, and so an event outlives the rows it names. `detail` holds identifiers and
    reasons only: never names of speakers or subjects, never record contents.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=254, blank=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=80, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


class WrappedSecret(models.Model):
    """A platform secret (e.g. the blind-index key) stored only wrapped by the master key.

    Keeping it here rather than deriving it from the master key means rotating the master
    key re-wraps the secret and leaves everything computed with it (blind indexes) valid.
    """

    name = models.CharField(max_length=80, unique=True)
    wrapped = models.BinaryField()
    master_key_id = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"secret {self.name} (master key {self.master_key_id})"
