"""Subject access: find everything the organisation holds about a named person, and export it.

`subject_access_search` (a selector that audits) finds the person's concerns and cases in the
organisation's own schema, and the identified (full-level) referral records other
organisations shared with it through the exchange, sorting each into a match, a possible match
to confirm, or another person (`welfare.sar_match`). `subject_access_export` (a service) writes
the file (`welfare.sar_file`) with every field of every record: the concern, and for a case its
chronology, actions, meetings it was discussed at, openings, stages, outcome, what was shared
about it and its retention review. Both need ``welfare:subject_access`` (the DPO and the
Prevent lead), whatever the case teams: answering a request is the controller's duty. Each
export is audited (who, when, counts, the file's SHA-256; never a name), and each exported
case records an opening, so its team sees that it was read and why.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from agreements.models import Level, Purpose, RecordKind
from core.audit import audit_record
from sharing.records import RecordView, records_received, records_shared
from tenants.models import Organisation, User
from tenants.scopes import Scope, has_scope, require_scope
from welfare import sar_file
from welfare.models import (
    AgendaItem,
    Case,
    CaseAction,
    CaseEntry,
    CaseOpening,
    Concern,
    RetentionRecord,
    WelfareSettings,
)
from welfare.sar_match import SubjectQuery, SubjectQueryError, Verdict, Why, judge, subject_query

_SUBJECT_FIELDS = ("subject_given_name", "subject_family_name", "subject_date_of_birth", "subject_number")
# Keys a received referral's data may name its subject by (the referral projection uses the first).
_GIVEN_KEYS = ("subject_given_name", "given_name")
_FAMILY_KEYS = ("subject_family_name", "family_name")
_BIRTH_KEYS = ("subject_date_of_birth", "date_of_birth")
_NUMBER_KEYS = ("subject_number", "student_number")


@dataclass(frozen=True)
class Hit:
    """One record found: what it is, why, and the little needed to confirm it (no content)."""

    key: str  # "concern:12", "case:3", "received:45": the export form's tick-box value
    kind: str
    id: int
    title: str
    recorded_name: str
    date_of_birth: dt.date | None
    on: dt.date | None
    status: str
    why: str
    verdict: Verdict


@dataclass
class SearchResult:
    query: SubjectQuery
    matches: list[Hit] = field(default_factory=list)
    possible: list[Hit] = field(default_factory=list)
    different_people: int = 0
    summaries_received: int = 0
    received_searched: bool = True
    received_views: dict[int, RecordView] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "matches": len(self.matches),
            "possible": len(self.possible),
            "different_people": self.different_people,
            "summaries_unmatchable": self.summaries_received,
        }


@dataclass(frozen=True)
class SubjectAccessFile:
    filename: str
    content: bytes
    export_id: str
    sha256: str
    records: int


def _query(given_name: str, family_name: str, date_of_birth: dt.date | None, reference: str | None) -> SubjectQuery:
    try:
        return subject_query(
            given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, reference=reference
        )
    except SubjectQueryError as error:
        raise ValidationError(error.errors) from None


def _sort(result: SearchResult, hit: Hit) -> None:
    (result.matches if hit.verdict == Verdict.MATCH else result.possible).append(hit)


def _judged(query: SubjectQuery, kind: str, rows: Iterable[dict[str, Any]], result: SearchResult) -> dict[str, Any]:
    """``{"kind:id": (verdict, why)}`` for rows that match or may match; other people are only counted."""
    verdicts = {}
    for row in rows:
        judgement = judge(
            query,
            given_name=row["subject_given_name"],
            family_name=row["subject_family_name"],
            date_of_birth=row["subject_date_of_birth"],
            reference=row["subject_number"],
        )
        if judgement is not None and judgement.verdict == Verdict.DIFFERENT:
            result.different_people += 1
        elif judgement is not None:
            verdicts[f"{kind}:{row['id']}"] = (judgement.verdict, judgement.why.label)
    return verdicts


def _follow_links(concerns: list[dict[str, Any]], verdicts: dict[str, tuple[Verdict, str]]) -> None:
    """A possible match linked to a match (a case and a concern in it) is taken as the same person.

    Only a *possible* match is raised, never a record whose own subject has nothing in common
    with the person or is another person: a concern about someone else can be merged into a case
    (one incident, two people), and Art. 15(4) forbids handing over their data."""
    for row in concerns:
        if not row["case_id"]:
            continue
        ours, theirs = f"concern:{row['id']}", f"case:{row['case_id']}"
        if verdicts.get(ours, (None,))[0] == Verdict.MATCH and verdicts.get(theirs, (None,))[0] == Verdict.POSSIBLE:
            verdicts[theirs] = (Verdict.MATCH, f"Began with or includes concern {row['id']}, which matches")
        if verdicts.get(theirs, (None,))[0] == Verdict.MATCH and verdicts.get(ours, (None,))[0] == Verdict.POSSIBLE:
            verdicts[ours] = (Verdict.MATCH, f"Part of case {row['case_id']}, which matches")


def _own_hits(result: SearchResult) -> None:
    """Concerns and cases in our own schema whose subject is the person (or may be)."""
    cases = list(Case.objects.values("id", "status", "opened_on", *_SUBJECT_FIELDS))
    concerns = list(Concern.objects.values("id", "status", "raised_at", "case_id", *_SUBJECT_FIELDS))
    verdicts = {**_judged(result.query, "case", cases, result), **_judged(result.query, "concern", concerns, result)}
    _follow_links(concerns, verdicts)
    for row in cases:
        if (found := verdicts.get(f"case:{row['id']}")) is not None:
            _sort(result, _hit("case", row, row["opened_on"], f"Case {row['id']}", *found))
    for row in concerns:
        if (found := verdicts.get(f"concern:{row['id']}")) is not None:
            on = timezone.localtime(row["raised_at"]).date()
            _sort(result, _hit("concern", row, on, f"Concern {row['id']}", *found))


def _hit(kind: str, row: dict[str, Any], on: dt.date | None, title: str, verdict: Verdict, why: str) -> Hit:
    return Hit(
        key=f"{kind}:{row['id']}",
        kind=kind,
        id=row["id"],
        title=title,
        recorded_name=f"{row['subject_given_name']} {row['subject_family_name']}".strip(),
        date_of_birth=row["subject_date_of_birth"],
        on=on,
        status=str(row["status"]).replace("_", " ").capitalize(),
        why=why,
        verdict=verdict,
    )


def _first(data: dict[str, Any], keys: Iterable[str]) -> str:
    return next((str(data[k]) for k in keys if data.get(k)), "")


def _subject_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The record's data with a nested ``subject`` ({"given_name", ...}, as the referral projection
    sends it) also read as ``subject_given_name`` and so on."""
    nested = data.get("subject")
    if not isinstance(nested, dict):
        return data
    return {**data, **{f"subject_{key}": value for key, value in nested.items()}}


def _birth(data: dict[str, Any]) -> dt.date | None:
    try:
        value = _first(data, _BIRTH_KEYS)
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _received_hits(result: SearchResult, organisation: Organisation, user: User) -> None:
    """Identified referral records other organisations shared with us. Summaries are pseudonymised
    (no name), so they cannot be matched to a person: only counted."""
    if not has_scope(user, organisation, Scope.REFERRALS_READ_RECEIVED):
        result.received_searched = False  # the file says so: another person must search what partners sent
        return
    views = records_received(
        organisation=organisation, user=user, kind=RecordKind.REFERRAL, purpose=Purpose.SAFEGUARDING_REFERRAL
    )
    for view in views:
        if view.level < Level.FULL:
            result.summaries_received += 1
            continue
        data = _subject_fields(view.data or {})
        given, family = _first(data, _GIVEN_KEYS), _first(data, _FAMILY_KEYS)
        judgement = judge(
            result.query,
            given_name=given,
            family_name=family,
            date_of_birth=_birth(data),
            reference=_first(data, _NUMBER_KEYS),
        )
        if judgement is None:
            continue
        if judgement.verdict == Verdict.DIFFERENT:
            result.different_people += 1
            continue
        result.received_views[view.id] = view
        row = {"id": view.id, "status": "received", "subject_given_name": given, "subject_family_name": family,
               "subject_date_of_birth": _birth(data)}  # fmt: skip
        title = f"Referral from {view.source_name} (version {view.version})"
        _sort(result, _hit("received", row, timezone.localtime(view.shared_at).date(), title, *_verdict(judgement)))


def _verdict(judgement: Any) -> tuple[Verdict, str]:
    return judgement.verdict, Why(judgement.why).label


def _search(organisation: Organisation, user: User, query: SubjectQuery) -> SearchResult:
    result = SearchResult(query=query)
    _own_hits(result)
    _received_hits(result, organisation, user)
    return result


def subject_access_search(
    *,
    organisation: Organisation,
    user: User,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    reference: str | None = None,
) -> SearchResult:
    """Everything held about the person: matches, possible matches to confirm, and counts.

    Raises PermissionDenied without ``welfare:subject_access`` and ValidationError (naming the
    field) for a search without a usable name. Audited with counts only.
    """
    require_scope(user, organisation, Scope.WELFARE_SUBJECT_ACCESS)
    query = _query(given_name, family_name, date_of_birth, reference)
    with transaction.atomic():
        result = _search(organisation, user, query)
        audit_record(
            action="welfare.subject_access_search",
            actor=user,
            organisation_id=organisation.pk,
            target_type="welfare.subject_access",
            detail={**result.counts(), "date_of_birth_given": bool(date_of_birth), "reference_given": bool(reference)},
        )
    return result


# --- the export ---------------------------------------------------------------------------------


class _People:
    """Names of staff in the records, looked up once each (they are in the public schema)."""

    def __init__(self) -> None:
        self._names: dict[int, str] = {}

    def __call__(self, pk: int) -> str:
        if pk not in self._names:
            user = User.objects.filter(pk=pk).only("full_name", "email").first()
            self._names[pk] = (user.full_name or user.email) if user else f"person {pk}"
        return self._names[pk]


def _concern_record(concern: Concern, people: _People, why: str = "") -> sar_file.Record:
    return sar_file.record_from_model(concern, kind="concern", title=f"Concern {concern.pk}", person=people, why=why)


def _case_record(
    case: Case, organisation: Organisation, people: _People, why: str, concern_ids: set[int]
) -> sar_file.Record:
    """The case and its parts; of its concerns only those about the person (`concern_ids`): a concern
    about someone else merged into the case is theirs, not the requester's (Art. 15(4))."""
    record = sar_file.record_from_model(case, kind="case", title=f"Case {case.pk}", person=people, why=why)

    def many(kind: str, rows: Iterable[Any], title: Any) -> list[sar_file.Record]:
        return [sar_file.record_from_model(r, kind=kind, title=title(r), person=people) for r in rows]

    entry_title = lambda e: f"{e.get_kind_display()}, {e.occurred_on}"  # noqa: E731
    record.add_part("entries", "Chronology", many("case_entry", case.entries.all(), entry_title))
    record.add_part("actions", "Actions", many("case_action", case.actions.all(), lambda a: f"Action {a.pk}"))
    record.add_part("meetings", "Meetings it was discussed at", [_agenda_record(i, people) for i in
                    AgendaItem.objects.filter(case=case).select_related("meeting")])  # fmt: skip
    record.add_part("openings", "Who opened the case and why", many("case_opening", case.openings.all(),
                    lambda o: f"Opened {timezone.localtime(o.opened_at):%d %B %Y %H:%M}"))  # fmt: skip
    record.add_part(
        "concerns",
        "Concerns in this case",
        [_concern_record(c, people) for c in case.concerns.all() if c.pk in concern_ids],
    )
    record.add_part("shared", "Shared with other organisations", _disclosures(case, organisation, people))
    _other_parts(record, case, people)
    retention = RetentionRecord.objects.filter(case_id=case.pk).first()
    record.add_part("retention", "Retention review", [] if retention is None else [
        sar_file.record_from_model(retention, kind="retention", title="Retention review", person=people)])  # fmt: skip
    return record


_PARTS_ABOVE = (AgendaItem, CaseAction, CaseEntry, CaseOpening, Concern)


def _other_parts(record: sar_file.Record, case: Case, people: _People) -> None:
    """Rows of other apps that point at the case (a referral's transfer requests and summaries sent),
    found from the models themselves so that a new kind of record is never left out."""
    for relation in Case._meta.get_fields(include_hidden=True):
        model = relation.related_model
        if not (relation.auto_created and relation.one_to_many) or model in _PARTS_ABOVE or model._meta.auto_created:
            continue
        rows = model._default_manager.filter(**{relation.field.name: case}).order_by("pk")
        name = capfirst(str(model._meta.verbose_name))
        key = f"{model._meta.app_label}.{model._meta.model_name}"
        parts = [sar_file.record_from_model(r, kind=key, title=f"{name} {r.pk}", person=people) for r in rows]
        record.add_part(key, capfirst(str(model._meta.verbose_name_plural)), parts)


def _agenda_record(item: AgendaItem, people: _People) -> sar_file.Record:
    meeting = item.meeting
    record = sar_file.Record(type="meeting", id=meeting.pk, title=f"{meeting.title}, {meeting.held_on}")
    record.put("meeting", "Meeting", meeting.pk)
    record.put("held_on", "Held on", meeting.held_on.isoformat())
    record.put("title", "Title", meeting.title)
    record.put("position", "Position on the agenda", item.position)
    record.put("discussion", "Discussion of this case", item.discussion)
    record.put("actions_agreed", "Actions agreed for this case",
               [a.pk for a in meeting.actions.filter(case_id=item.case_id)],
               ", ".join(f"action {a.pk}" for a in meeting.actions.filter(case_id=item.case_id)) or "—")  # fmt: skip
    return record


def _disclosures(case: Case, organisation: Organisation, people: _People) -> list[sar_file.Record]:
    """Art. 15(1)(c): which organisations were sent what about this case, and when (not the content again)."""
    records = []
    for kind in RecordKind.values:
        if kind == RecordKind.SPEAKER_CHECK:
            continue
        ref = f"case:{case.pk}"
        for row in records_shared(source=organisation, kind=kind, ref_prefix=ref):
            if row.source_ref != ref and not row.source_ref.startswith((f"{ref}/", f"{ref}:")):
                continue  # "case:1" is also a prefix of "case:12"
            record = sar_file.record_from_model(row, kind="shared", title=f"Shared record {row.pk}", person=people)
            record.put("recipient_name", "Recipient", row.recipient.name if row.recipient else None)
            levels = [Level(level).label for level in row.envelopes.values_list("level", flat=True)]
            record.put("level", "Level of detail", levels[0] if levels else None,
                       levels[0] if levels else "— (the copy was destroyed)")  # fmt: skip
            records.append(record)
    return records


def _received_record(view: RecordView, why: str) -> sar_file.Record:
    record = sar_file.Record(type="received", id=view.id, title=f"Referral from {view.source_name}", why=why)
    record.put("source_name", "Sent by", view.source_name)
    record.put("version", "Version", view.version)
    record.put("level", "Level of detail", Level(view.level).label)
    record.put("reference", "Sender's reference", view.ref)
    record.put("shared_at", "Received", view.shared_at.isoformat())
    record.put("expires_at", "Kept until", view.expires_at.isoformat() if view.expires_at else None)
    record.put("agreement", "Under the agreement", view.agreement_title)
    _put_data(record, "data", view.data or {})
    return record


def _put_data(record: sar_file.Record, prefix: str, data: dict[str, Any]) -> None:
    """Every value the sender shared, nested objects flattened to dotted names ("data.subject.given_name")."""
    for key, value in data.items():
        name = f"{prefix}.{key}"
        if isinstance(value, dict):
            _put_data(record, name, value)
            continue
        label = " ".join(part.replace("_", " ") for part in name.split(".")[1:]).capitalize()
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            shown = "; ".join(", ".join(f"{k}: {v}" for k, v in item.items()) for item in value) or "—"
            record.put(name, label, value, shown)
        else:
            record.put(name, label, value)


def _notes(organisation: Organisation, result: SearchResult, confirmed: int) -> list[str]:
    return [
        f"This file holds every record {organisation.name} found about the person named above: concerns and "
        "cases in its own welfare records, and identified referral records other organisations shared with it "
        f"through the hub. Possible matches were included only where the reviewer confirmed them ({confirmed} "
        f"confirmed). {result.different_people} record(s) about other people with a similar name but a different "
        "date of birth were left out.",
        "Third parties: the records name staff who raised concerns, recorded notes, own actions or opened a case, "
        "and may mention other people. Before release, consider each third party (UK GDPR Art. 15(4); DPA 2018 "
        "Sch. 2 Part 3 para 16) and redact what it would not be reasonable to disclose.",
        "Exemptions: information processed to prevent or detect crime may be withheld where releasing it would be "
        "likely to prejudice that purpose, for example a live Prevent or police referral (DPA 2018 Sch. 2 Part 1 "
        "para 2). Decide before release; this file includes everything found.",
        "Meetings: for each meeting a case was discussed at, the date, title, this case's agenda item and the "
        "actions agreed for it are included. A meeting's general notes cover other people and are not included: "
        "check the notes of the meetings listed for passages about this person.",
        f"Pseudonymised summaries: {result.summaries_received} summary record(s) received from partners name no "
        "one (they carry a pseudonym only), so they cannot be matched to this person and are not included "
        "(UK GDPR Art. 11(2)). The partner that sent them holds the identified record and answers for it.",
        *(
            []
            if result.received_searched
            else [
                "Referrals received from partners were NOT searched: the person who exported this file does not "
                "have a role that reads what partners send (the Prevent lead or the data protection officer). Ask "
                "someone who does to search them."
            ]
        ),
        "Destroyed records: cases destroyed at the end of the retention period, and shared copies whose retention "
        "ended, are no longer held and are not in this file.",
    ]


def _about(retention_days: int) -> dict[str, str]:
    return {
        "Purposes": "Safeguarding students and staff, and the Prevent duty (Counter-Terrorism and Security Act "
        "2015, s.26).",
        "Categories of data": "Identity (name, date of birth, student or staff number); the concern raised; the "
        "case's chronology, actions, meetings, Prevent stages, outcome and ideology category (special category "
        "and possibly criminal offence data).",
        "Recipients": "Listed for each case under 'Shared with other organisations'. A referral to Prevent or the "
        "police is recorded as the case's outcome.",
        "Retention": f"Closed cases are kept for {retention_days} days after they close, then reviewed for "
        "destruction.",
        "Source": "Members of staff who raised concerns, the case team, and partner organisations (received "
        "referrals).",
        "Your rights": "Rectification, erasure, restriction and objection (UK GDPR Arts. 16-21), and to complain "
        "to the Information Commissioner's Office (ico.org.uk).",
        "Automated decisions": "None: every decision is made by a person.",
    }


def _retention_days() -> int:
    settings = WelfareSettings.objects.first()
    return settings.retention_days if settings else WelfareSettings._meta.get_field("retention_days").default


def _sections(
    chosen: list[Hit], result: SearchResult, organisation: Organisation, people: _People
) -> dict[str, list[sar_file.Record]]:
    case_ids = {h.id: h.why for h in chosen if h.kind == "case"}
    concern_ids = {h.id: h.why for h in chosen if h.kind == "concern"}
    cases = [_case_record(c, organisation, people, case_ids[c.pk], set(concern_ids)) for c in
             Case.objects.filter(pk__in=case_ids).order_by("opened_on", "pk").prefetch_related("team")]  # fmt: skip
    loose = Concern.objects.filter(pk__in=concern_ids).exclude(case_id__in=case_ids).order_by("raised_at", "pk")
    received = [_received_record(result.received_views[h.id], h.why) for h in chosen if h.kind == "received"]
    return {
        "concerns": [_concern_record(c, people, concern_ids[c.pk]) for c in loose],
        "cases": cases,
        "received": received,
    }


SECTION_TITLES = {
    "concerns": "Concerns not part of a case",
    "cases": "Cases (with their concerns, chronology, actions, meetings and sharing)",
    "received": "Referrals received from other organisations",
}


def subject_access_export(
    *,
    organisation: Organisation,
    user: User,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    reference: str | None = None,
    include: Iterable[str] = (),
) -> SubjectAccessFile:
    """The export file of every match, plus the possible matches whose keys are in `include`.

    The search runs again here (nothing is trusted from the form but the confirmations, which
    must name possible matches of this very search). Audited, with an opening on every case.
    """
    require_scope(user, organisation, Scope.WELFARE_SUBJECT_ACCESS)
    query = _query(given_name, family_name, date_of_birth, reference)
    confirmed = set(include)
    with transaction.atomic():
        result = _search(organisation, user, query)
        chosen = result.matches + [h for h in result.possible if h.key in confirmed]
        export_id = secrets.token_hex(6)
        people = _People()
        document = sar_file.ExportDocument(
            export_id=export_id,
            organisation={"name": organisation.name, "slug": organisation.slug},
            exported_at=timezone.now(),
            exported_by={"id": user.pk, "name": user.full_name or user.email},
            search={
                "given_name": query.given_name,
                "family_name": query.family_name,
                "date_of_birth": date_of_birth.isoformat() if date_of_birth else None,
                "reference": (reference or "").strip() or None,
            },  # fmt: skip
            notes=_notes(organisation, result, len(chosen) - len(result.matches)),
            about=_about(_retention_days()),
            sections=_sections(chosen, result, organisation, people),
            section_titles=SECTION_TITLES,
        )
        content = sar_file.build_zip(document)
        digest = sar_file.sha256(content)
        _record_openings(document, user, export_id)
        audit_record(
            action="welfare.subject_access_export",
            actor=user,
            organisation_id=organisation.pk,
            target_type="welfare.subject_access",
            target_id=export_id,
            detail={
                "export": export_id,
                "sha256": digest,
                "records": document.record_count,
                "concerns": len(document.sections["concerns"])
                + sum(len(case.parts["concerns"]) for case in document.sections["cases"]),
                "cases": len(document.sections["cases"]),
                "received": len(document.sections["received"]),
                "possible_included": len(chosen) - len(result.matches),
                "different_people_left_out": result.different_people,
            },
        )
    return SubjectAccessFile(
        filename=sar_file.filename(organisation.slug, export_id),
        content=content,
        export_id=export_id,
        sha256=digest,
        records=document.record_count,
    )


def _record_openings(document: sar_file.ExportDocument, user: User, export_id: str) -> None:
    """Each exported case shows, like any opening, who read it and why."""
    CaseOpening.objects.bulk_create(
        CaseOpening(case_id=record.id, opened_by=user, reason=f"Subject access request: export {export_id}")
        for record in document.sections["cases"]
    )
