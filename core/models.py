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
    # The chain (`org-<id>`, or `platform` for events with no organisation), the event's place in
    # it (1, 2, ...), its predecessor's id and the id reserved for its successor, so a deleted
    # event is named by its own id. `hash` is public (SHA-256 of contents and links, checkable
    # offline); `mac` seals it with the platform audit key (HMAC-SHA256), which the database holds
    # only wrapped by the master key. See core/audit.py.
    chain = models.CharField(max_length=32, default="", blank=True)
    seq = models.BigIntegerField(null=True, blank=True)
    previous_id = models.BigIntegerField(null=True, blank=True)
    next_id = models.BigIntegerField(null=True, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="core_auditevent_chain_seq")]

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


class AuditChain(models.Model):
    """The head of one audit chain: how far it runs, sealed with the audit key.

    Its row is also the chain's lock (`SELECT ... FOR UPDATE`), so organisations append to
    their own chains in parallel. `first_id` names the first event, `next_id` the id reserved
    for the next one; `mac` seals the row so a truncated chain cannot be passed off as whole.
    """

    chain = models.CharField(max_length=32, unique=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    seq = models.BigIntegerField(default=0)
    first_id = models.BigIntegerField()
    last_id = models.BigIntegerField(null=True, blank=True)
    next_id = models.BigIntegerField()
    head_hash = models.CharField(max_length=64, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain {self.chain} at seq {self.seq}"


class AuditCheckpoint(models.Model):
    """A signed statement of how far one chain ran (`statement`), as anyone may download and keep it.

    `statement` is exactly what was signed (see core.audit_offline.checkpoint_message), so the
    export is rebuilt from the row byte for byte; the other columns are for queries.
    """

    chain = models.CharField(max_length=32, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    seq = models.BigIntegerField()
    last_event_id = models.BigIntegerField(null=True, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    key_fingerprint = models.CharField(max_length=32)
    statement = models.JSONField()
    signature = models.CharField(max_length=100)
    public_key = models.CharField(max_length=60)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"checkpoint {self.chain} seq {self.seq} ({self.signed_at:%Y-%m-%d %H:%M})"
