"""Checking proposed agreement terms. Every problem is reported against the field it concerns.

`clean_terms` is the only entry point; services call it before writing anything, so bad
input leaves stored data as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from agreements.documents import OPTIONAL_TERMS, TEXT_FIELDS
from agreements.labels import readable_value
from agreements.models import Controllers, LawfulBasis, Level, Purpose, RecordKind
from core.dates import today as uk_today
from tenants.models import Organisation, OrganisationKind

MAX_RETENTION_DAYS = 3650
DEFAULT_SMALL_NUMBER_THRESHOLD = OPTIONAL_TERMS["small_number_threshold"]
SMALL_NUMBER_THRESHOLD_RANGE = (2, 50)
REQUIRED_TEXT = {
    "title": "Give the agreement a title.",
    "purpose": "Say what the sharing is for.",
    "data_items": "List the data items that will be shared.",
    "security": "Set out the security expectations for recipients.",
    "legal_power": "Name the legal power the parties rely on.",
    "necessity": "Explain why the sharing is necessary.",
    "individual_rights": "Say how individuals' rights requests will be handled.",
    "sharing_frequency": "Give the dates or intervals of sharing.",
}
Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def resolve_parties(slugs: list[str], errors: Errors) -> list[Organisation]:
    """Organisations for `slugs`, in order; unknown ones are reported by name."""
    wanted = [s.strip().lower() for s in slugs if s and s.strip()]
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=wanted).exclude(kind=OrganisationKind.PLATFORM)}
    missing = [s for s in wanted if s not in found]
    if missing:
        _add(errors, "parties", f"Not an organisation in the hub: {', '.join(missing)}.")
    if len(set(wanted)) != len(wanted):
        _add(errors, "parties", "Name each party once.")
    elif len(wanted) < 2:
        _add(errors, "parties", "An agreement needs at least two parties.")
    return [found[s] for s in dict.fromkeys(wanted) if s in found]


def _clean_text(terms: Mapping[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    for name in TEXT_FIELDS:
        value = terms.get(name)
        if isinstance(value, str):
            cleaned[name] = value.strip()
    for name, message in REQUIRED_TEXT.items():
        if not cleaned.get(name):
            _add(errors, name, message)


def _clean_choices(terms: Mapping[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    purposes = terms.get("purposes") or []
    if not purposes or any(p not in Purpose.values for p in purposes):
        _add(errors, "purposes", f"Choose one or more purposes from: {', '.join(Purpose.values)}.")
    cleaned["purposes"] = sorted(set(purposes))
    if terms.get("lawful_basis") not in LawfulBasis.values:
        _add(errors, "lawful_basis", "Choose the UK GDPR Article 6 lawful basis.")
    if terms.get("controllers") not in Controllers.values:
        _add(errors, "controllers", "Say whether the parties are joint or separate controllers.")
    cleaned["dpia_done"] = bool(terms.get("dpia_done"))
    if cleaned["dpia_done"] and not cleaned.get("dpia_outcome"):
        _add(errors, "dpia_outcome", "Record the outcome of the DPIA.")


def _clean_retention(terms: Mapping[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    value = terms.get("retention_days")
    try:
        days = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        days = -1
    if days is None:
        _add(errors, "retention_days", "Enter how many days recipients may keep shared records.")
    elif not 1 <= days <= MAX_RETENTION_DAYS:
        _add(errors, "retention_days", f"Retention must be a whole number of days from 1 to {MAX_RETENTION_DAYS}.")
    else:
        cleaned["retention_days"] = days


def _clean_threshold(terms: Mapping[str, Any], cleaned: dict[str, Any], errors: Errors) -> None:
    """Counts below the threshold are suppressed in aggregates; empty means the default (5)."""
    value = terms.get("small_number_threshold")
    low, high = SMALL_NUMBER_THRESHOLD_RANGE
    if value in (None, ""):
        cleaned["small_number_threshold"] = DEFAULT_SMALL_NUMBER_THRESHOLD
        return
    try:
        threshold = int(value) if not isinstance(value, bool | float) else -1
    except (TypeError, ValueError):
        threshold = -1
    if not low <= threshold <= high:
        _add(
            errors,
            "small_number_threshold",
            f"The small-number threshold must be a whole number from {low} to {high} (the usual one is "
            f"{DEFAULT_SMALL_NUMBER_THRESHOLD}); leave it empty for {DEFAULT_SMALL_NUMBER_THRESHOLD}.",
        )
    else:
        cleaned["small_number_threshold"] = threshold


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def date_problems(
    *, start: date | None, expiry: date | None, review: date | None, today: date, in_force_start: date | None
) -> Errors:
    """Why these dates would give a version that is never in force, or leaves a gap; {} when fine.

    Dates are inclusive, Europe/London (`core.dates`). `in_force_start` is the start date of the
    version in force when these dates are for its successor (None for a first version): a
    successor takes over the moment every party has signed it, so it may not start later than
    today or than the version it replaces, whichever is later; otherwise sharing would stop
    between the takeover and its start.
    """
    errors: Errors = {}
    if start and expiry and expiry < start:
        _add(errors, "expiry_date", "The expiry date must be on or after the start date (both days are included).")
    if expiry and expiry < today:
        _add(
            errors,
            "expiry_date",
            f"The expiry date {readable_value('expiry_date', expiry)} has passed: the agreement would never be "
            "in force. Choose a later expiry date.",
        )
    if start and review and expiry and not start <= review <= expiry:
        _add(errors, "review_date", "The review date must fall between the start and expiry dates.")
    if start and in_force_start is not None and start > max(today, in_force_start):
        latest = readable_value("start_date", max(today, in_force_start))
        _add(
            errors,
            "start_date",
            "A new version takes over as soon as every party has signed it, so it cannot start later than "
            f"{latest}; keep the start date of the version in force, or use today.",
        )
    return errors


def _clean_dates(
    terms: Mapping[str, Any], cleaned: dict[str, Any], errors: Errors, today: date, in_force_start: date | None
) -> None:
    for name, label in (("start_date", "start"), ("expiry_date", "expiry"), ("review_date", "review")):
        cleaned[name] = _as_date(terms.get(name))
        if cleaned[name] is None:
            _add(errors, name, f"Enter the {label} date as YYYY-MM-DD.")
    found = date_problems(
        start=cleaned["start_date"],
        expiry=cleaned["expiry_date"],
        review=cleaned["review_date"],
        today=today,
        in_force_start=in_force_start,
    )
    for name, messages in found.items():
        for message in messages:
            _add(errors, name, message)


def _flow_problem(flow: Any, party_slugs: set[str]) -> str | None:
    if not isinstance(flow, Mapping):
        return "each flow needs kind, senders, recipients and max_level"
    if flow.get("kind") not in RecordKind.values:
        return f"kind must be one of {', '.join(RecordKind.values)}"
    try:
        Level.from_code(str(flow.get("max_level", "")))
    except ValueError as exc:
        return str(exc)
    senders, recipients = flow.get("senders") or [], flow.get("recipients") or []
    if not senders or not recipients:
        return "name at least one sender and one recipient"
    strangers = sorted((set(senders) | set(recipients)) - party_slugs)
    if strangers:
        return f"{', '.join(strangers)} is not a party to this agreement"
    if set(senders) == set(recipients) and len(senders) == 1:
        return "an organisation cannot share with itself"
    return None


def _clean_flows(
    terms: Mapping[str, Any], parties: list[Organisation], cleaned: dict[str, Any], errors: Errors
) -> None:
    flows = terms.get("flows") or []
    if not flows:
        _add(errors, "flows", "Say which record kinds may flow, between which parties, at which level.")
    slugs = {o.slug for o in parties}
    cleaned["flows"] = []
    for number, flow in enumerate(flows, start=1):
        problem = _flow_problem(flow, slugs)
        if problem:
            _add(errors, "flows", f"Flow {number}: {problem}.")
            continue
        cleaned["flows"].append(
            {
                "kind": flow["kind"],
                "senders": sorted(set(flow["senders"])),
                "recipients": sorted(set(flow["recipients"])),
                "max_level": Level.from_code(str(flow["max_level"])).code,
            }
        )


def _check_full_referrals(cleaned: dict[str, Any], errors: Errors) -> None:
    """Identifying referral data is special category or criminal offence data (Art. 9/10)."""
    full_referral = any(f["kind"] == RecordKind.REFERRAL and f["max_level"] == "full" for f in cleaned["flows"])
    if not full_referral:
        return
    if not (cleaned.get("special_category_condition") or cleaned.get("criminal_offence_condition")):
        _add(
            errors,
            "special_category_condition",
            "A full referral flow needs the Art. 9 or Art. 10 condition relied on.",
        )
    if not cleaned.get("dpa_schedule1_condition"):
        _add(errors, "dpa_schedule1_condition", "A full referral flow needs the DPA 2018 Schedule 1 condition.")


def clean_terms(
    *,
    parties: list[str],
    terms: Mapping[str, Any],
    today: date | None = None,
    in_force_start: date | None = None,
) -> tuple[list[Organisation], dict[str, Any]]:
    """Validated parties and terms, or a ValidationError naming every field at fault.

    `today` defaults to today in Europe/London; `in_force_start` is given when the terms are
    a successor to a version in force (see `date_problems`).
    """
    errors: Errors = {}
    organisations = resolve_parties(list(parties), errors)
    cleaned: dict[str, Any] = {}
    _clean_text(terms, cleaned, errors)
    _clean_choices(terms, cleaned, errors)
    cleaned["lawful_basis"] = terms.get("lawful_basis")
    cleaned["controllers"] = terms.get("controllers")
    _clean_retention(terms, cleaned, errors)
    _clean_threshold(terms, cleaned, errors)
    _clean_dates(terms, cleaned, errors, today or uk_today(), in_force_start)
    _clean_flows(terms, organisations, cleaned, errors)
    _check_full_referrals(cleaned, errors)
    if errors:
        raise ValidationError(errors)
    for name in TEXT_FIELDS:
        cleaned.setdefault(name, "")
    return organisations, cleaned
