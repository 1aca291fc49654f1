"""Reading the audit trail: whose events a reader may see, the filters, the CSV, and read events.

Writing stays in `core.audit` (`audit_record` is the one way to append). This module only
reads, plus `audit_read`, the one way a page or endpoint records that a person *looked at* a
sensitive record (a case, a concern, a speaker request, a referral, a subject access pack).

Which events belong to whom (the rule every page and endpoint here applies):

* An organisation's auditor and data protection officer (`Scope.AUDIT_READ`) see the events
  whose ``organisation_id`` is their organisation, and nothing else. Services record an act
  under the organisation of the person who acted: when organisation B opens a check that A
  shared, the ``exchange.open`` event is B's (B's reader did it); A learns of the opening from
  its own openings register (`sharing.CheckOpened`, the "who opened our checks" page), not from
  B's trail. Refusals across a boundary (``exchange.open_denied``, ``exchange.search_screened``)
  carry no organisation, so no organisation's trail reveals another's checks.
* The platform operator (a staff user, as for `tenants.views.operator_organisations`) sees the
  platform's events: ``organisation_id`` empty (organisations created and linked, refusals
  across organisations, sign-in events without an organisation).
* Nobody edits or deletes an event through the application: the pages and the endpoint here
  answer GET (and HEAD) only, and there is no admin site.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet

from core.audit import audit_record
from core.csv_file import BOM, neutralise
from core.dates import LONDON, day_ends, day_starts
from core.models import AuditEvent

# `organisation_id` of the platform's own events.
PLATFORM = None

CSV_HEADER = ["id", "occurred_at", "actor_id", "actor", "action", "target_type", "target_id", "detail"]


class AuditFilterForm(forms.Form):
    """The filters of the audit pages, the CSV export and the API (all optional, all GET parameters).

    `action` is one exact action code (one unknown here matches nothing); `person` matches the
    actor's label (their email address, or "system") case-insensitively, any part of it;
    `date_from`/`date_to` are London calendar days, inclusive; `target_type` is exact
    (``welfare.case``), `target_id` exact (an id).
    """

    action = forms.CharField(
        label="Action",
        required=False,
        max_length=80,
        help_text="An action code exactly, such as case.read; the list offers those in this trail.",
        widget=forms.TextInput(attrs={"list": "audit-actions", "autocomplete": "off"}),
    )
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=254,
        help_text="Their email address or any part of it; “system” for automatic events.",
    )
    date_from = forms.DateField(label="From (date)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To (date)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    target_type = forms.CharField(
        label="Record type", required=False, max_length=80, help_text="For example welfare.case or sharing.sharedcheck."
    )
    target_id = forms.CharField(label="Record id", required=False, max_length=80)

    def __init__(self, data: Mapping[str, Any] | None, *, actions: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.actions = list(actions)  # offered in a <datalist id="audit-actions"> beside the field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def in_use(self) -> dict[str, Any]:
        """The filters given, for an export's audit event: ids and codes only (the person as a flag)."""
        data = self.cleaned_data if self.is_valid() else {}
        used: dict[str, Any] = {}
        for name in ("action", "target_type", "target_id"):
            if data.get(name):
                used[name] = data[name]
        for name in ("date_from", "date_to"):
            if data.get(name):
                used[name] = data[name].isoformat()
        if data.get("person"):
            used["person"] = True
        return used


def events_of(organisation_id: int | None) -> QuerySet[AuditEvent]:
    """The events of one trail, newest first: an organisation's (its id) or the platform's (None)."""
    if organisation_id is PLATFORM:
        events = AuditEvent.objects.filter(organisation_id__isnull=True)
    else:
        events = AuditEvent.objects.filter(organisation_id=organisation_id)
    return events.order_by("-occurred_at", "-id")


def actions_of(organisation_id: int | None) -> list[str]:
    """The distinct action codes in one trail, alphabetically (the choices of the action filter)."""
    return list(events_of(organisation_id).order_by("action").values_list("action", flat=True).distinct())


def filter_form(data: Mapping[str, Any] | None, organisation_id: int | None) -> AuditFilterForm:
    """A bound filter form for one trail; unbound (every event) when `data` has no filter in it."""
    given = {k: v for k, v in (data or {}).items() if k in AuditFilterForm.base_fields and v}
    return AuditFilterForm(given or None, actions=actions_of(organisation_id))


def filtered(events: QuerySet[AuditEvent], form: AuditFilterForm) -> QuerySet[AuditEvent]:
    """`events` narrowed by a *valid* form's filters (an unbound or invalid form narrows nothing)."""
    if not form.is_bound or not form.is_valid():
        return events
    data = form.cleaned_data
    if data.get("action"):
        events = events.filter(action=data["action"].strip())
    if data.get("person"):
        events = events.filter(actor_label__icontains=data["person"].strip())
    if data.get("date_from"):
        events = events.filter(occurred_at__gte=day_starts(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(occurred_at__lt=day_ends(data["date_to"]))
    if data.get("target_type"):
        events = events.filter(target_type=data["target_type"].strip())
    if data.get("target_id"):
        events = events.filter(target_id=data["target_id"].strip())
    return events


def detail_text(detail: Mapping[str, Any]) -> str:
    """An event's detail as one line for a page: ``key: value`` pairs in key order, values as JSON."""
    if not detail:
        return "—"
    return "; ".join(f"{key}: {json.dumps(detail[key], default=str, ensure_ascii=False)}" for key in sorted(detail))


def _when(at: dt.datetime) -> str:
    return at.astimezone(LONDON).isoformat(timespec="seconds")


def csv_row(event: AuditEvent) -> list[str]:
    """One event as CSV cells (London time, detail as compact JSON)."""
    detail = json.dumps(event.detail, sort_keys=True, separators=(",", ":"), default=str)
    return [
        str(event.pk),
        _when(event.occurred_at),
        "" if event.actor_id is None else str(event.actor_id),
        event.actor_label,
        event.action,
        event.target_type,
        event.target_id,
        detail,
    ]


def _line(cells: Iterable[str]) -> str:
    return ",".join('"' + neutralise(c).replace('"', '""') + '"' for c in cells) + "\r\n"


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV file of `events`, line by line, as `core.csv_file.write_csv` writes a whole file
    (byte-order mark, every cell quoted, CRLF, formula-neutralised), streamed from a server-side cursor."""
    yield BOM + _line(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        yield _line(csv_row(event))


def audit_export(*, actor: Any, organisation_id: int | None, form: AuditFilterForm, rows: int) -> AuditEvent:
    """Record that `actor` exported `rows` events of a trail; detail holds the filters (codes and ids)."""
    return audit_record(
        action="audit.export",
        actor=actor,
        organisation_id=organisation_id,
        detail={"rows": rows, "filters": form.in_use()},
    )


def audit_read(*, action: str, actor: Any, organisation_id: int | None, target: Any, reason: str = "") -> AuditEvent:
    """Record that `actor` was shown the contents of `target` (one event per page view or API call).

    `action` is ``<kind>.read`` (``case.read``, ``concern.read``, ``speaker_request.read``…);
    the detail holds the target's id and the reason given (a code or the person's stated reason),
    never a name or any of the record's contents.
    """
    detail: dict[str, Any] = {"id": target.pk}
    if reason:
        detail["reason"] = reason
    return audit_record(action=action, actor=actor, organisation_id=organisation_id, target=target, detail=detail)


def audit_list_read(
    *, action: str, actor: Any, organisation_id: int | None, target_type: str, ids: Iterable[int], reason: str
) -> AuditEvent | None:
    """Record that a list showing sensitive contents was shown: ONE event naming every id on the page
    (``detail = {"ids": [...], "reason": reason}``); none when the list was empty (nothing was shown)."""
    shown = sorted(int(i) for i in ids)
    if not shown:
        return None
    return audit_record(action=action, actor=actor, organisation_id=organisation_id, target_type=target_type,
                        detail={"ids": shown, "reason": reason})  # fmt: skip
