"""Writes: assemble a year's return (a draft), sign it off (the Prevent lead), record an export.

Every service takes the acting person, asks the scope again (pages, the API and the demo cannot
differ), and writes its audit event in the same transaction: ids, year codes and counts only.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_record
from core.dates import today as london_today
from partners.periods import Period
from returns import assembly
from returns.models import AnnualReturn, ReturnStatus
from returns.years import year_from_code
from tenants.models import Organisation, User
from tenants.scopes import Scope, require_scope

SIGNED_ROLE = "Prevent lead"


def _in_schema(organisation: Organisation) -> None:
    assert connection.schema_name == organisation.schema_name, "call inside the organisation's own schema"


def _year(year: Period | str, today: date) -> Period:
    if isinstance(year, Period):
        return year
    try:
        return year_from_code(year, today)
    except ValueError as exc:
        raise ValidationError({"year": str(exc)}) from exc


def digest_of(data: dict) -> str:
    """SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def return_assemble(
    *, actor: User, organisation: Organisation, year: Period | str, today: date | None = None
) -> AnnualReturn:
    """The draft for `year` ("2025-26"), (re-)assembled from our records and partners' reports now.

    A draft of the year is refreshed in place; after a signed-off version, a new draft version n+1 is
    made (the signed one never changes). Raises ValidationError({"year": ...}) for a malformed or
    out-of-range year, PermissionDenied without `return:prepare`.
    """
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.RETURN_PREPARE)
    today = today or london_today()
    chosen = _year(year, today)
    with transaction.atomic():
        data = assembly.assemble(organisation=organisation, user=actor, year=chosen, today=today)
        code = chosen.academic_year
        draft = (
            AnnualReturn.objects.select_for_update(no_key=True)
            .filter(year_code=code, status=ReturnStatus.DRAFT)
            .first()
        )
        now = timezone.now()
        if draft is None:
            latest = AnnualReturn.objects.filter(year_code=code).aggregate(n=Max("version"))["n"] or 0
            draft = AnnualReturn.objects.create(
                year_code=code, year_start=chosen.start, year_end=chosen.end, version=latest + 1, data=data,
                assembled_by=actor, assembled_at=now,
            )  # fmt: skip
            action = "returns.return.assemble"
        else:
            draft.data, draft.assembled_by, draft.assembled_at = data, actor, now
            draft.save(update_fields=["data", "assembled_by", "assembled_at"])
            action = "returns.return.reassemble"
        audit_record(action=action, actor=actor, organisation_id=organisation.pk, target=draft,
                     detail={"year": code, "version": draft.version, "gaps": len(data["gaps"]),
                             "records": [r["id"] for p in data["partners"] for r in p["records"]]})  # fmt: skip
    return draft


STALE = "The draft changed after you read it (it was assembled again). Read the figures and gaps again, then sign."
ASSEMBLED_EARLY = (
    "This draft was assembled on {as_of}, before the year ended on {end}, so it misses the year's last months. "
    "Assemble the year again, check it, then sign it off."
)


def return_sign_off(
    *, actor: User, organisation: Organisation, annual_return: AnnualReturn, gaps_acknowledged: bool,
    seen: str | None = None, today: date | None = None,
) -> AnnualReturn:  # fmt: skip
    """The Prevent lead signs off a draft: its data becomes a frozen snapshot with who and when, and
    its digest. With gaps flagged, `gaps_acknowledged` must be True (ValidationError naming the field).

    A stale draft is refused (ValidationError naming `seen`): with `seen` (the `digest_of` the draft's
    data as the lead read it; the page always sends it) the draft must not have been re-assembled since;
    and a draft assembled before its year ended cannot be signed once the year is over (its "year not
    over" gap no longer says what is missing)."""
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.RETURN_SIGN_OFF)
    today = today or london_today()
    with transaction.atomic():
        found = AnnualReturn.objects.select_for_update(no_key=True).get(pk=annual_return.pk)
        if not found.is_draft:
            raise ValidationError(
                f"Version {found.version} is already signed off and cannot change. Assemble the year again to "
                "make a new draft."
            )
        if seen is not None and seen != digest_of(found.data):
            raise ValidationError({"seen": STALE})
        if not found.data.get("complete", True) and found.year_end < today:
            raise ValidationError(
                {"seen": ASSEMBLED_EARLY.format(as_of=found.data.get("as_of", "?"), end=found.year_end.isoformat())}
            )
        gaps = found.data.get("gaps") or []
        if gaps and not gaps_acknowledged:
            raise ValidationError({"gaps_acknowledged": (
                f"This return has {len(gaps)} gap(s) flagged. Read them, then tick 'I have read the gaps flagged in "
                "this return' to sign it off."
            )})  # fmt: skip
        now = timezone.now()
        found.data = {**found.data, "signed_off": {"name": actor.full_name, "role": SIGNED_ROLE, "at": now.isoformat()}}
        found.status, found.signed_off_by, found.signed_off_at = ReturnStatus.SIGNED_OFF, actor, now
        found.digest = digest_of(found.data)
        found.save(update_fields=["data", "status", "signed_off_by", "signed_off_at", "digest"])
        audit_record(action="returns.return.sign_off", actor=actor, organisation_id=organisation.pk, target=found,
                     detail={"year": found.year_code, "version": found.version, "gaps": len(gaps),
                             "digest": found.digest})  # fmt: skip
    return found


def return_exported(*, actor: User, organisation: Organisation, annual_return: AnnualReturn, file_format: str) -> None:
    """Record that `actor` downloaded the return as `file_format` (csv or xlsx): an audit event."""
    _in_schema(organisation)
    require_scope(actor, organisation, Scope.RETURN_READ)
    audit_record(action="returns.return.export", actor=actor, organisation_id=organisation.pk, target=annual_return,
                 detail={"year": annual_return.year_code, "version": annual_return.version,
                         "format": file_format})  # fmt: skip
