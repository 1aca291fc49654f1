"""The exchange: shared records as encrypted envelopes in the public schema.

A shared speaker check is one `SharedCheck` row per version. Its content lives only in
`Envelope`s (one per level of detail), each sealed with its own data key. A data key is
never stored in the clear: `EnvelopeKey` holds it wrapped under a `ChannelKey`, and a
channel key is wrapped for each organisation that may use it (`ChannelGrant`), with that
organisation's exchange key pair. A channel belongs to one agreement, one sender and one
level (and, for a one-off full share, one recipient). Channels come in generations: when the
set of organisations that may read a channel shrinks, the removed organisation's grants go on
every generation and the live generation is retired, so anything sealed afterwards goes under
a key the removed organisation never held (see `sharing.revocation`). Names are searchable only
through `NameToken`s: keyed HMACs of normalised name variants.

Records of other kinds (referrals, partner reports: `sharing.records`) use the same tables: a
`SharedCheck` with `kind` and one `recipient`, one envelope at the level shared, and a channel of
its own per (agreement, sender, level, recipient, kind, purpose). Whatever reads speaker checks
filters on `kind` (or on having no single recipient), so such a record never shows as a check.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from agreements.models import Agreement, Level, Purpose, RecordKind
from core import crypto
from tenants.models import Organisation, OrganisationKey, User


class ShareMode(models.TextChoices):
    ON_DECISION = "on_decision", "Share each check when it is decided"
    ASK_EACH_TIME = "ask_each_time", "Ask each time"


class ExchangeSettings(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, primary_key=True)
    share_mode = models.CharField(max_length=20, choices=ShareMode.choices, default=ShareMode.ON_DECISION)
    # Data minimisation: automatic shares go out at summary even where an agreement allows
    # full; full detail goes to one organisation at a time, on request.
    automatic_level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.SUMMARY)

    def __str__(self) -> str:
        return f"Exchange settings of {self.organisation}"


class SharedCheck(models.Model):
    # db_index=False on foreign keys below: each is the leading column of a unique constraint or
    # an index of the same table, which serves the same lookups (one index less per written row).
    source = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shared_checks", db_index=False)
    kind = models.CharField(max_length=40, choices=RecordKind.choices, default=RecordKind.SPEAKER_CHECK)
    # The source's own reference (e.g. "request:12/speaker:1"): identifies the working record, no personal data.
    source_ref = models.CharField(max_length=80)
    version = models.PositiveIntegerField(default=1)
    # Records of other kinds (`sharing.records`) are sealed for exactly one recipient: versions
    # run per (source, kind, ref, recipient). Empty for speaker checks (shared with every reader).
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records_received",
        db_index=False,  # leads `shared_record_received`
    )
    is_current = models.BooleanField(default=True)
    shared_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="When the assessment lapses; nobody can read it after this.")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_ref", "recipient", "version"],
                name="one_row_per_record_version",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(fields=["source", "source_ref", "is_current"]),
            models.Index(fields=["recipient", "kind", "is_current"], name="shared_record_received"),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_ref} v{self.version} from organisation {self.source_id}"

    @property
    def is_readable(self) -> bool:
        return self.is_current and self.withdrawn_at is None and self.destroyed_at is None


class Envelope(models.Model):
    check_row = models.ForeignKey(  # looked up through `one_envelope_per_level` (check_id, level)
        SharedCheck, on_delete=models.CASCADE, related_name="envelopes", db_column="check_id", db_index=False
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    sealed = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["check_row", "level"], name="one_envelope_per_level")]

    def __str__(self) -> str:
        return f"envelope {self.pk} ({Level(self.level).code}) of check {self.check_row_id}"


def envelope_identity(check: SharedCheck, level: int) -> bytes:
    """Associated data binding an envelope to its record: a swapped or edited row will not open.

    A record sealed for one recipient (`sharing.records`) binds that recipient too.
    """
    if check.recipient_id is None:
        return crypto.associated_data(
            envelope="speaker-check-v1",
            check=check.pk,
            source=check.source_id,
            kind=check.kind,
            ref=check.source_ref,
            version=check.version,
            level=int(level),
        )
    return crypto.associated_data(
        envelope="shared-record-v1",
        check=check.pk,
        source=check.source_id,
        recipient=check.recipient_id,
        kind=check.kind,
        ref=check.source_ref,
        version=check.version,
        level=int(level),
    )


class ChannelKey(models.Model):
    """A key for the flow of one record kind, for one purpose, under one agreement, from one sender at one level.

    `agreement` empty: the sender's own archive (it can read what it shared). `recipient`
    set: a channel to a single organisation (an approved request for full detail of a speaker
    check; every record of another kind, see `sharing.records`). `kind` and `purpose` are what
    the policy is asked about for this channel's readers (speaker checks: speaker due diligence).
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sender = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    kind = models.CharField(max_length=40, choices=RecordKind.choices, default=RecordKind.SPEAKER_CHECK)
    purpose = models.CharField(max_length=40, choices=Purpose.choices, default=Purpose.SPEAKER_DUE_DILIGENCE)
    recipient = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sender_key = models.ForeignKey(OrganisationKey, on_delete=models.PROTECT, related_name="+")
    wrapped_for_sender = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    # Rotation: a new generation replaces this one whenever the channel's readers shrink. A retired
    # generation seals nothing new; it keeps the envelope keys sealed under it for remaining readers.
    generation = models.PositiveIntegerField(default=1)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "sender", "level", "recipient", "kind", "purpose", "generation"],
                name="one_channel_generation",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                fields=["agreement", "sender", "level", "recipient", "kind", "purpose"],
                condition=models.Q(retired_at__isnull=True),
                name="one_live_channel",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return (
            f"channel {self.pk} (agreement {self.agreement_id}, sender {self.sender_id}, {self.kind}, "
            f"{Level(self.level).code}, generation {self.generation})"
        )


def channel_context(channel: ChannelKey) -> bytes:
    return crypto.associated_data(channel=channel.pk, sender=channel.sender_id, level=int(channel.level))


class ChannelGrant(models.Model):
    channel = models.ForeignKey(  # leads `one_grant_per_recipient`
        ChannelKey, on_delete=models.CASCADE, related_name="grants", db_index=False
    )
    recipient = models.ForeignKey(  # leads the (recipient, channel) index
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    recipient_key = models.ForeignKey(OrganisationKey, on_delete=models.PROTECT, related_name="+")
    wrapped = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "recipient"], name="one_grant_per_recipient")]
        indexes = [models.Index(fields=["recipient", "channel"])]

    def __str__(self) -> str:
        return f"grant of channel {self.channel_id} to organisation {self.recipient_id}"


class EnvelopeKey(models.Model):
    envelope = models.ForeignKey(  # leads `one_key_per_channel` (envelope_id, channel_id)
        Envelope, on_delete=models.CASCADE, related_name="keys", db_index=False
    )
    channel = models.ForeignKey(ChannelKey, on_delete=models.CASCADE, related_name="envelope_keys")
    wrapped_data_key = models.BinaryField()
    # Retention at the recipients of this channel; the sweep destroys the key after it.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["envelope", "channel"], name="one_key_per_channel")]

    def __str__(self) -> str:
        return f"key of envelope {self.envelope_id} under channel {self.channel_id}"


def envelope_key_context(envelope_id: int, channel_id: int) -> bytes:
    return crypto.associated_data(envelope_key="v1", envelope=envelope_id, channel=channel_id)


class NameToken(models.Model):
    check_row = models.ForeignKey(SharedCheck, on_delete=models.CASCADE, related_name="tokens", db_column="check_id")
    digest = models.CharField(max_length=64)

    class Meta:
        # Equality lookups only: no `varchar_pattern_ops` twin (what `db_index=True` adds for LIKE).
        indexes = [models.Index(fields=["digest"], name="nametoken_digest")]

    def __str__(self) -> str:
        return f"name token of check {self.check_row_id}"


class CheckOpened(models.Model):
    """Who opened a shared check, from where, under which agreement: the source can see these."""

    check_row = models.ForeignKey(SharedCheck, on_delete=models.CASCADE, related_name="openings", db_column="check_id")
    reader_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"check {self.check_row_id} opened by organisation {self.reader_organisation_id}"


class DetailRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the source"
    APPROVED = "approved", "Approved: full detail shared"
    DECLINED = "declined", "Declined"


class DetailRequest(models.Model):
    """A searcher asks the source of a summary for its full detail."""

    check_row = models.ForeignKey(
        SharedCheck, on_delete=models.CASCADE, related_name="detail_requests", db_column="check_id"
    )
    requester_organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=DetailRequestStatus.choices, default=DetailRequestStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"request {self.pk} for detail of check {self.check_row_id}"
