"""Reads for agreements. An organisation only ever sees agreements it is (or was) a party to."""

from __future__ import annotations

import base64
import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agreements.documents import OPTIONAL_TERMS, TEXT_FIELDS
from agreements.labels import FIELD_LABELS, readable_terms, readable_value
from agreements.models import Agreement, AgreementParty, AgreementVersion, Signature
from agreements.states import State, VersionStatus, agreement_state, version_status
from core.dates import day_starts, london_date
from tenants.models import Membership, Organisation
from tenants.scopes import Scope, scopes_of

REVIEW_REMINDER_MONTHS = 3
EXPORT_FORMAT = "partnership-hub/isa-export/v1"
PAGE_SIZE = 25


def _with_details(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    parties = AgreementParty.objects.select_related("organisation")
    signatures = Signature.objects.select_related("organisation")
    return agreements.select_related(
        "current_version", "pending_version", "suspended_by", "terminated_by", "drafted_by_organisation"
    ).prefetch_related(
        Prefetch("current_version__parties", queryset=parties),
        Prefetch("current_version__signatures", queryset=signatures),
        Prefetch("pending_version__parties", queryset=parties),
        Prefetch("pending_version__signatures", queryset=signatures),
    )


def agreements_for(organisation: Organisation) -> QuerySet[Agreement]:
    """Agreements `organisation` is a party to in any version, newest first."""
    ids = AgreementParty.objects.filter(organisation=organisation).values("version__agreement_id")
    return _with_details(Agreement.objects.filter(pk__in=ids))


def agreement_for_party(organisation: Organisation, agreement_id: int) -> Agreement | None:
    """The agreement if `organisation` is a party to it; None both when it is not and when it does not exist."""
    return agreements_for(organisation).filter(pk=agreement_id).first()


def agreement_version(agreement: Agreement, number: int) -> AgreementVersion | None:
    return (
        agreement.versions.filter(number=number)
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")),
            Prefetch("signatures", queryset=Signature.objects.select_related("organisation", "key")),
        )
        .first()
    )


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def review_due(agreement: Agreement, today: date) -> bool:
    """`today` is a Europe/London date (`core.dates.london_date`)."""
    # Review reminders start three months before the review date and stay until the agreement ends.
    version = agreement.current_version
    return today >= _months_before(version.review_date, REVIEW_REMINDER_MONTHS)


@dataclass(frozen=True)
class PendingInfo:
    """A pending version (proposed change) and who still has to sign it."""

    version: AgreementVersion
    proposed: bool
    required: list[Organisation]  # every party of the version in force and of the pending version
    leaving: list[Organisation]  # parties of the version in force that the pending version drops
    unsigned: list[Organisation]


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    state: State
    parties: list[Organisation]
    signed: list[Signature]
    unsigned: list[Organisation]
    review_due: bool
    needs_our_signature: bool
    pending: PendingInfo | None
    in_force: bool  # a version has been signed by everyone (suspend and terminate apply)
    open_version: AgreementVersion | None  # the version open for signature, if any

    @property
    def can_end(self) -> bool:
        """Suspend / give notice make sense: a version is in force and the agreement has not ended."""
        return self.in_force and self.state not in (State.TERMINATED,) and not self.agreement.terminates_at


def _pending_info(agreement: Agreement, in_force_parties: list[Organisation]) -> PendingInfo | None:
    version = agreement.pending_version
    if version is None:
        return None
    parties = [p.organisation for p in version.parties.all()]
    ids = {o.pk for o in parties}
    leaving = [o for o in in_force_parties if o.pk not in ids]
    signed_ids = {s.organisation_id for s in version.signatures.all()}
    required = parties + leaving
    return PendingInfo(
        version=version,
        proposed=version.proposed_at is not None,
        required=required,
        leaving=leaving,
        unsigned=[o for o in required if o.pk not in signed_ids],
    )


def agreement_row(agreement: Agreement, organisation: Organisation, at: datetime) -> AgreementRow:
    """Everything a list or detail page shows about `agreement`, as `organisation` sees it at `at`."""
    version = agreement.current_version
    parties = [p.organisation for p in version.parties.all()]
    signed = list(version.signatures.all())
    signed_ids = {s.organisation_id for s in signed}
    state = agreement_state(agreement, at)
    in_force = version.fully_signed_at is not None
    pending = _pending_info(agreement, parties) if in_force else None
    if pending is not None:
        open_version = pending.version if pending.proposed and not agreement.terminates_at else None
        ours = open_version is not None and any(o.pk == organisation.pk for o in pending.unsigned)
    else:
        open_version = version if state == State.AWAITING_SIGNATURES else None
        ours = open_version is not None and organisation.pk not in signed_ids and organisation in parties
    return AgreementRow(
        agreement=agreement,
        state=state,
        parties=parties,
        signed=signed,
        unsigned=[o for o in parties if o.pk not in signed_ids],
        review_due=state not in (State.TERMINATED, State.EXPIRED) and review_due(agreement, london_date(at)),
        needs_our_signature=ours,
        pending=pending,
        in_force=in_force,
        open_version=open_version,
    )


def agreement_rows(organisation: Organisation, at: datetime | None = None) -> list[AgreementRow]:
    at = at or timezone.now()
    return [agreement_row(a, organisation, at) for a in agreements_for(organisation)]


SORTS = {
    "newest": ("Newest first", lambda r: (-r.agreement.created_at.timestamp(), -r.agreement.pk)),
    "reference": ("Reference", lambda r: r.agreement.pk),
    "title": ("Title", lambda r: (r.agreement.title.casefold(), r.agreement.pk)),
    "state": ("State", lambda r: (r.state.label, r.agreement.pk)),
    "expiry": ("Expiry date", lambda r: (r.agreement.current_version.expiry_date, r.agreement.pk)),
    "review": ("Review date", lambda r: (r.agreement.current_version.review_date, r.agreement.pk)),
}


def agreement_rows_page(
    organisation: Organisation, *, sort: str = "newest", page: Any = 1, at: datetime | None = None
) -> tuple[Page, list[AgreementRow], str]:
    """(one page of rows, every row, the sort used). Unknown sorts fall back to newest; bad pages to the nearest.

    The state is computed from dates, so sorting happens on the rows (an organisation is party to
    tens of agreements, not thousands).
    """
    rows = agreement_rows(organisation, at)
    sort = sort if sort in SORTS else "newest"
    ordered = sorted(rows, key=SORTS[sort][1])
    return Paginator(ordered, PAGE_SIZE).get_page(page), rows, sort


def agreements_due_for_review(organisation: Organisation, today: date | None = None) -> list[Agreement]:
    """Agreements of `organisation` still running whose review date is three months away or past."""
    at = timezone.now() if today is None else day_starts(today)
    return [row.agreement for row in agreement_rows(organisation, at) if row.review_due]


def can_see_register(membership: Membership | None) -> bool:
    return Scope.AGREEMENTS_REGISTER in scopes_of(membership)


REGISTER_SORTS = {
    "agreement": ("Agreement", ("agreement_id", "number")),
    "newest": ("Newest version first", ("-created_at", "-id")),
    "expiry": ("Expiry date", ("expiry_date", "agreement_id", "number")),
    "review": ("Review date", ("review_date", "agreement_id", "number")),
}


def agreement_register(organisation: Organisation, sort: str = "agreement") -> QuerySet[AgreementVersion]:
    """Every version of every agreement `organisation` is party to, with parties and signatures.

    Each version carries `.status` (a `VersionStatus`) once iterated through `register_page`.
    """
    ids = AgreementParty.objects.filter(organisation=organisation).values("version__agreement_id")
    order = REGISTER_SORTS.get(sort, REGISTER_SORTS["agreement"])[1]
    return (
        AgreementVersion.objects.filter(agreement_id__in=ids)
        .select_related("agreement", "agreement__current_version")
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")),
            Prefetch("signatures", queryset=Signature.objects.select_related("organisation")),
        )
        .order_by(*order)
    )


def register_page(organisation: Organisation, *, sort: str = "agreement", page: Any = 1) -> tuple[Page, str]:
    """One page (`PAGE_SIZE`) of the register, each version with `.status` set; the sort used."""
    sort = sort if sort in REGISTER_SORTS else "agreement"
    result = Paginator(agreement_register(organisation, sort), PAGE_SIZE).get_page(page)
    for version in result.object_list:
        version.status = version_status(version.agreement, version)
    return result, sort


def versions_with_status(agreement: Agreement) -> list[tuple[AgreementVersion, VersionStatus]]:
    return [(v, version_status(agreement, v)) for v in agreement.versions.order_by("number")]


@dataclass(frozen=True)
class DiffRow:
    field: str
    label: str
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _names(*versions: AgreementVersion) -> dict[str, str]:
    return {p.organisation.slug: p.organisation.name for v in versions for p in v.parties.all()}


def _comparable(version: AgreementVersion) -> dict[str, Any]:
    values = {name: getattr(version, name) for name in TEXT_FIELDS}
    values["parties"] = [p.organisation.slug for p in version.parties.all()]
    return values


def version_diff(old: AgreementVersion, new: AgreementVersion) -> list[DiffRow]:
    """Field-by-field comparison in readable form (labels and values as pages show them), parties first."""
    a, b, names = _comparable(old), _comparable(new), _names(old, new)
    return [
        DiffRow(
            field=name,
            label=FIELD_LABELS[name],
            old=readable_value(name, a[name], names),
            new=readable_value(name, b[name], names),
        )
        for name in ["parties", *TEXT_FIELDS]
    ]


def readable_version(version: AgreementVersion) -> list[dict[str, str]]:
    """[{"field", "label", "value"}] of `version`'s terms, as the page shows them."""
    return readable_terms({name: getattr(version, name) for name in TEXT_FIELDS}, _names(version))


def _b64(data: bytes) -> str:
    return base64.b64encode(bytes(data)).decode("ascii")


def agreement_export(version: AgreementVersion) -> dict[str, Any]:
    """Everything needed to verify `version`'s signatures offline: text, statements, signatures, keys."""
    if version.document is None:
        raise ValueError(f"Version {version.number} is a draft; only text sent for signature can be exported.")
    return {
        "format": EXPORT_FORMAT,
        "document": version.document,
        "document_sha256": version.document_hash,
        "signatures": [
            {
                "statement": s.statement,
                "signature": _b64(s.signature),
                "public_key": _b64(s.key.public_key),
                "key_fingerprint": s.key_fingerprint,
            }
            for s in version.signatures.select_related("key").order_by("organisation__slug")
        ],
    }


def small_number_threshold(agreement_id: int) -> int:
    """The small-number threshold of the agreement's version in force (counts below it are suppressed).

    The default (5) when nothing is in force, or the version in force was signed before the term
    existed (its signed text has no such term; see `agreements.documents.OPTIONAL_TERMS`).
    """
    # `current_version` is the text being negotiated until every party has signed it: in force only then.
    row = (
        Agreement.objects.filter(pk=agreement_id, current_version__fully_signed_at__isnull=False)
        .values_list("current_version__small_number_threshold", flat=True)
        .first()
    )
    return int(row) if row is not None else OPTIONAL_TERMS["small_number_threshold"]
