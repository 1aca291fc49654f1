"""Reads for agreements. An organisation only ever sees agreements it is (or was) a party to."""

from __future__ import annotations

import base64
import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agreements.documents import TEXT_FIELDS
from agreements.models import Agreement, AgreementParty, AgreementVersion, Signature
from agreements.states import State, agreement_state
from tenants.models import Membership, Organisation, Role

REVIEW_REMINDER_MONTHS = 3
EXPORT_FORMAT = "partnership-hub/isa-export/v1"
REGISTER_ROLES = (Role.DATA_PROTECTION_OFFICER, Role.AUDITOR, Role.ORG_ADMIN)


def _with_details(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    return agreements.select_related(
        "current_version", "suspended_by", "terminated_by", "drafted_by_organisation"
    ).prefetch_related(
        Prefetch("current_version__parties", queryset=AgreementParty.objects.select_related("organisation")),
        Prefetch("current_version__signatures", queryset=Signature.objects.select_related("organisation")),
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
    """Review reminders start three months before the review date and stay until the agreement ends."""
    version = agreement.current_version
    return today >= _months_before(version.review_date, REVIEW_REMINDER_MONTHS)


@dataclass(frozen=True)
class AgreementRow:
    agreement: Agreement
    state: State
    parties: list[Organisation]
    signed: list[Signature]
    unsigned: list[Organisation]
    review_due: bool
    needs_our_signature: bool


def agreement_row(agreement: Agreement, organisation: Organisation, at: datetime) -> AgreementRow:
    version = agreement.current_version
    parties = [p.organisation for p in version.parties.all()]
    signed = list(version.signatures.all())
    signed_ids = {s.organisation_id for s in signed}
    state = agreement_state(agreement, at)
    return AgreementRow(
        agreement=agreement,
        state=state,
        parties=parties,
        signed=signed,
        unsigned=[o for o in parties if o.pk not in signed_ids],
        review_due=state not in (State.TERMINATED, State.EXPIRED) and review_due(agreement, at.date()),
        needs_our_signature=state == State.AWAITING_SIGNATURES and organisation.pk not in signed_ids,
    )


def agreement_rows(organisation: Organisation, at: datetime | None = None) -> list[AgreementRow]:
    at = at or timezone.now()
    return [agreement_row(a, organisation, at) for a in agreements_for(organisation)]


def agreements_due_for_review(organisation: Organisation, today: date | None = None) -> list[Agreement]:
    """Agreements of `organisation` still running whose review date is three months away or past."""
    at = timezone.now() if today is None else timezone.make_aware(datetime.combine(today, datetime.min.time()))
    return [row.agreement for row in agreement_rows(organisation, at) if row.review_due]


def can_see_register(membership: Membership | None) -> bool:
    return membership is not None and any(membership.has_role(role) for role in REGISTER_ROLES)


def agreement_register(organisation: Organisation) -> QuerySet[AgreementVersion]:
    """Every version of every agreement `organisation` is party to, with parties and signatures."""
    ids = AgreementParty.objects.filter(organisation=organisation).values("version__agreement_id")
    return (
        AgreementVersion.objects.filter(agreement_id__in=ids)
        .select_related("agreement", "agreement__current_version")
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organisation")),
            Prefetch("signatures", queryset=Signature.objects.select_related("organisation")),
        )
        .order_by("agreement_id", "number")
    )


@dataclass(frozen=True)
class DiffRow:
    field: str
    old: Any
    new: Any

    @property
    def changed(self) -> bool:
        return self.old != self.new


def _comparable(version: AgreementVersion) -> dict[str, Any]:
    values = {name: getattr(version, name) for name in TEXT_FIELDS}
    values["parties"] = [p.organisation.slug for p in version.parties.all()]
    return values


def version_diff(old: AgreementVersion, new: AgreementVersion) -> list[DiffRow]:
    """Field-by-field comparison, parties first, in the order the agreement is read."""
    a, b = _comparable(old), _comparable(new)
    return [DiffRow(field=name, old=a[name], new=b[name]) for name in ["parties", *TEXT_FIELDS]]


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
