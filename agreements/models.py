"""Information-sharing agreements, in the public schema: every party reads the same rows.

An `Agreement` is a sequence of immutable-once-proposed `AgreementVersion`s; parties sign a
version, never the agreement. Two pointers say which version does what:

* `current_version` is the version **in force**: the last version every required party signed.
  Until the agreement is first signed by everyone it is the text being negotiated (a draft or
  awaiting signatures), and nothing is in force.
* `pending_version` is a **pending version** (a proposed change): a successor to a version in
  force, drafted or awaiting signatures. It changes nothing about sharing until every party of
  the version in force *and* of the successor has signed it; then it becomes `current_version`
  in the same transaction (see `agreements.services`).

`AgreementFlow` is a denormalised index of every version's terms that the sharing policy reads
with one query (see `agreements.policy`); `is_current` there means "in force". Services keep
it in step with every lifecycle change (`agreements.flows.flows_sync`).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from tenants.models import Organisation, OrganisationKey, User


class RecordKind(models.TextChoices):
    """Kinds of shared record. Add a member here to make a new kind shareable under agreements."""

    SPEAKER_CHECK = "speaker_check", "Speaker check"
    REFERRAL = "referral", "Referral"
    PARTNER_REPORT = "partner_report", "Partner report"
    NETWORK_FIGURES = "network_figures", "Network figures"
    RISK_SUMMARY = "risk_summary", "Risk register summary"


class Level(models.IntegerChoices):
    """Level of detail, ordered: a flow allowing `summary` also allows `aggregate`."""

    AGGREGATE = 1, "Aggregate (counts only)"
    SUMMARY = 2, "Summary (outcome, mitigations, dates)"
    FULL = 3, "Full (the whole projection)"

    @property
    def code(self) -> str:
        return self.name.lower()

    @classmethod
    def from_code(cls, code: str) -> Level:
        """`"summary"` → `Level.SUMMARY`; raises ValueError for anything else."""
        try:
            return cls[code.upper()]
        except KeyError:
            raise ValueError(f"Unknown level {code!r}; choose aggregate, summary or full.") from None


class Purpose(models.TextChoices):
    SPEAKER_DUE_DILIGENCE = "speaker_due_diligence", "Due diligence on external speakers and events"
    SAFEGUARDING_REFERRAL = "safeguarding_referral", "Safeguarding and Prevent referrals"
    PARTNER_OVERSIGHT = "partner_oversight", "Oversight of a franchise or collaborative partner"
    NETWORK_REPORTING = "network_reporting", "Network-level reporting and good practice"


class LawfulBasis(models.TextChoices):
    CONSENT = "6_1_a", "Art. 6(1)(a) consent"
    CONTRACT = "6_1_b", "Art. 6(1)(b) contract"
    LEGAL_OBLIGATION = "6_1_c", "Art. 6(1)(c) legal obligation"
    VITAL_INTERESTS = "6_1_d", "Art. 6(1)(d) vital interests"
    PUBLIC_TASK = "6_1_e", "Art. 6(1)(e) public task"
    LEGITIMATE_INTERESTS = "6_1_f", "Art. 6(1)(f) legitimate interests"


class Controllers(models.TextChoices):
    SEPARATE = "separate", "Separate (independent) controllers"
    JOINT = "joint", "Joint controllers"


class Agreement(models.Model):
    title = models.CharField(max_length=200)
    drafted_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    drafted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    template = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    current_version = models.ForeignKey(
        "AgreementVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pending_version = models.ForeignKey(
        "AgreementVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="A proposed successor to the version in force; not in force until everyone has signed it.",
    )
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    suspension_reason = models.TextField(blank=True)
    notice_given_at = models.DateTimeField(null=True, blank=True)
    terminates_at = models.DateTimeField(null=True, blank=True)
    terminated_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    termination_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"ISA-{self.pk}: {self.title}"

    @property
    def reference(self) -> str:
        return f"ISA-{self.pk}"


class AgreementVersion(models.Model):
    """One version of an agreement's terms. Once proposed its `document` is frozen and signed."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    proposed_at = models.DateTimeField(null=True, blank=True)
    fully_signed_at = models.DateTimeField(null=True, blank=True)
    document = models.JSONField(null=True, blank=True)
    document_hash = models.CharField(max_length=64, blank=True)
    change_note = models.TextField(blank=True)

    # The ICO data sharing code's request-form fields.
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    purposes = ArrayField(models.CharField(max_length=40, choices=Purpose.choices))
    lawful_basis = models.CharField(max_length=10, choices=LawfulBasis.choices)
    special_category_condition = models.TextField(blank=True, help_text="Art. 9(2) condition, if any.")
    criminal_offence_condition = models.TextField(blank=True, help_text="Art. 10 basis, if any.")
    dpa_schedule1_condition = models.TextField(blank=True, help_text="DPA 2018 Schedule 1 condition, if any.")
    data_items = models.TextField()
    flows = models.JSONField(default=list)
    retention_days = models.PositiveIntegerField()
    # Counts below this are suppressed in aggregates shared under the agreement. Empty for versions
    # written before the term existed: they read as DEFAULT_SMALL_NUMBER_THRESHOLD, outside the signed text.
    small_number_threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    security = models.TextField()
    controllers = models.CharField(max_length=10, choices=Controllers.choices)
    legal_power = models.TextField()
    necessity = models.TextField()
    dpia_done = models.BooleanField(default=False)
    dpia_outcome = models.TextField(blank=True)
    dpo_view = models.TextField(blank=True)
    individual_rights = models.TextField()
    sharing_frequency = models.CharField(max_length=200)
    review_date = models.DateField()
    start_date = models.DateField()
    expiry_date = models.DateField()

    class Meta:
        ordering = ["agreement_id", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"ISA-{self.agreement_id} v{self.number}"


class AgreementParty(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreement_parties")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name_plural = "agreement parties"
        ordering = ["version_id", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "organisation"], name="one_party_per_version")]
        indexes = [models.Index(fields=["organisation", "version"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.version}"


class Signature(models.Model):
    """A party's Ed25519 signature over the canonical statement naming the version's document hash."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(max_length=200)
    signer_email = models.EmailField()
    signer_role = models.CharField(max_length=100)
    signed_at = models.DateTimeField()
    document_hash = models.CharField(max_length=64)
    key = models.ForeignKey(OrganisationKey, on_delete=models.PROTECT, related_name="+")
    key_fingerprint = models.CharField(max_length=64)
    # Exactly what was signed (canonical JSON of this), kept so exports reproduce it byte for byte.
    statement = models.JSONField()
    signature = models.BinaryField()

    class Meta:
        ordering = ["version_id", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["version", "organisation"], name="one_signature_per_party")]

    def __str__(self) -> str:
        return f"{self.signer_name} for {self.organisation_id} on {self.version}"


class AgreementFlow(models.Model):
    """Policy index: one row per (version, sender, recipient, kind), with the state the policy needs.

    Derived data only: `flows_sync` rewrites an agreement's rows from the agreement and its
    versions inside the transaction of every lifecycle change.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40, choices=RecordKind.choices)
    max_level = models.PositiveSmallIntegerField(choices=Level.choices)
    purposes = ArrayField(models.CharField(max_length=40))
    retention_days = models.PositiveIntegerField()
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    is_current = models.BooleanField(help_text="This version is the one in force (Agreement.current_version).")
    all_signed = models.BooleanField()
    suspended = models.BooleanField()
    terminates_at = models.DateTimeField(null=True)
    # The version records an Art. 9 (special category) or Art. 10 (criminal offence) condition.
    special_condition = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["sender", "kind", "recipient"], name="agreement_flow_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.sender_id} → {self.recipient_id} under {self.version}"
