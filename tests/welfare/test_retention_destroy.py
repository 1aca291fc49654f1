"""Retention: an approved case is destroyed with everything about it, its shared copies are crypto-shredded,
and only the record that it existed remains. Kept, unreviewed and recent cases stay. The command is idempotent.

The partner college keeps the cases and shares referrals with the university that validates it
(franchise agreement), so the shared copies live in the exchange for the university to read.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import tenant_context

from agreements.models import Purpose
from agreements.policy import SharingDenied
from core.models import AuditEvent
from referrals import services as referrals_services
from referrals.models import TransferRequest
from sharing import records
from sharing.models import Envelope, EnvelopeKey, SharedCheck
from tests.agreements.conftest import Drafting
from tests.sharing.keyholders import held_secrets, levels_opened, levels_opened_with
from tests.welfare.subjects import FULL, SUMMARY, TODAY, case, concern, share_referral
from welfare import retention, services
from welfare.choices import CaseStatus, EntryKind, TriageOutcome
from welfare.models import AgendaItem, Case, CaseAction, CaseEntry, CaseOpening, Concern, Meeting, RetentionRecord
from welfare.services import ConcernInput

LONG_AGO = TODAY - dt.timedelta(days=3000)  # well past the default 2190 days
NAME = ("Saoirse", "Nakashima-Oduya")
SECRETS = [
    "Nakashima",
    "Seen sketching the Wrenfield substation layout",
    "Followed up at the Ravensworth placement office",
    "Arrange mentoring with the Quayside tutor",
    "Closed after the Ravensworth placement ended",
    "Discussed the Wrenfield sketches",
    "Reviewing before the Dunmore panel",
]


@dataclass
class Cases:
    doomed: Case
    kept: Case
    unreviewed: Case
    recent: Case
    copies: list[SharedCheck]
    other_copy: SharedCheck
    dpo: object


def _closed_case(given: str, family: str, closed_on: dt.date, **fields: object) -> Case:
    return case(given, family, status=CaseStatus.CLOSED, closed_on=closed_on,
                opened_on=closed_on - dt.timedelta(days=90), **fields)  # fmt: skip


@pytest.fixture
def cases(org_a, partner, member) -> Cases:
    Drafting(member).active([org_a, partner], template="franchise")
    dpo = member(partner, "dpo", full_name="Olumide Bankole")
    officer = member(partner, "safeguarding_officer", full_name="Hana Kowalczyk")
    with tenant_context(partner):
        doomed = _closed_case(*NAME, LONG_AGO, subject_date_of_birth=dt.date(2003, 8, 9), subject_number="P99881",
                              closing_note=SECRETS[4], summary="Concern about fixation on infrastructure.")  # fmt: skip
        doomed.team.add(officer)
        concern(officer, *NAME, SECRETS[1], case=doomed, triage_outcome=TriageOutcome.CASE_OPENED)
        concern(officer, "S.", "Nakashima Oduya", "A second report, merged.", case=doomed,
                triage_outcome=TriageOutcome.MERGED)  # fmt: skip
        CaseEntry.objects.create(case=doomed, kind=EntryKind.CONTACT, occurred_on=LONG_AGO, text=SECRETS[2])
        meeting = Meeting.objects.create(held_on=LONG_AGO, notes="Three cases discussed.")
        AgendaItem.objects.create(meeting=meeting, case=doomed, discussion=SECRETS[5])
        CaseAction.objects.create(case=doomed, description=SECRETS[3], meeting=meeting, owner=officer)
        CaseOpening.objects.create(case=doomed, opened_by=officer, reason=SECRETS[6])
        kept = _closed_case("Kofi", "Mensah", LONG_AGO)
        unreviewed = _closed_case("Ingrid", "Solberg", LONG_AGO)
        recent = _closed_case("Farah", "Haddad", TODAY - dt.timedelta(days=30))
    data = {"subject_given_name": NAME[0], "subject_family_name": NAME[1], "concern": SECRETS[1]}
    copies = [
        share_referral(partner, org_a, ref=f"case:{doomed.pk}/transfer:1", level=FULL, data=data),
        share_referral(partner, org_a, ref=f"case:{doomed.pk}", level=SUMMARY, data={"stage": "closed"}),
    ]
    other_copy = share_referral(partner, org_a, ref=f"case:{kept.pk}", level=SUMMARY, data={"stage": "x"})
    with tenant_context(partner):
        retention.case_retention_review(actor=dpo, organisation=partner, case_id=doomed.pk, decision="destroy")
        retention.case_retention_review(actor=dpo, organisation=partner, case_id=kept.pk, decision="keep",
                                        keep_days=60, reason="An open complaint to the ombudsman.")  # fmt: skip
    return Cases(doomed, kept, unreviewed, recent, copies, other_copy, dpo)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("welfare_retention_destroy", *args, stdout=out)
    connection.set_schema_to_public()
    return out.getvalue()


def _plaintext_found(needles: list[str]) -> list[str]:
    """Every (schema.table.column, needle) where a needle appears in a text, JSON or binary column of the
    public schema or of any organisation's schema."""
    found = []
    patterns = [f"%{n}%" for n in needles]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_schema, c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE t.table_type = 'BASE TABLE' AND (c.table_schema = 'public' OR c.table_schema LIKE 'org\\_%%') "
            "AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'bytea')"
        )
        for schema, table, column, data_type in cursor.fetchall():
            where = f'"{column}"::text ILIKE ANY(%s)'
            params: list[object] = [patterns]
            if data_type == "bytea":
                where = " OR ".join(f"position(convert_to(%s, 'UTF8') in \"{column}\") > 0" for _ in needles)
                params = list(needles)
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}" WHERE {where}', params)  # noqa: S608
            if cursor.fetchone()[0]:
                found.append(f"{schema}.{table}.{column}")
    return found


def test_an_approved_case_is_destroyed_and_no_plaintext_of_it_remains_anywhere(cases, partner):
    assert len(_plaintext_found(SECRETS)) >= 7  # the scan sees the case's text before (positive control)

    output = _run()

    assert f"case {cases.doomed.pk}: destroyed" in output
    assert _plaintext_found(SECRETS) == []
    with tenant_context(partner):
        assert not Case.objects.filter(pk=cases.doomed.pk).exists()
        for model in (Concern, CaseEntry, CaseAction, CaseOpening, AgendaItem):
            assert not model.objects.filter(case_id=cases.doomed.pk).exists(), model.__name__
        assert Meeting.objects.filter(notes="Three cases discussed.").exists()  # the meeting is about others too


def test_no_key_opens_the_shared_copies_afterwards_not_even_one_the_recipient_copied_before(cases, org_a, partner):
    copied_by_recipient, copied_by_source = held_secrets(org_a), held_secrets(partner)
    sealed_before = list(Envelope.objects.filter(check_row__in=cases.copies).values_list("pk", flat=True))
    assert sealed_before and all(levels_opened(org_a, c) for c in cases.copies)

    _run()

    for copy in cases.copies:
        copy.refresh_from_db()
        assert copy.destroyed_at is not None and not copy.is_current
        assert levels_opened(org_a, copy) == set() and levels_opened(partner, copy) == set()
        assert levels_opened_with(copied_by_recipient, copy) == set()
        assert levels_opened_with(copied_by_source, copy) == set()
        with pytest.raises(SharingDenied):
            records.record_open(organisation=org_a, user=None, record_id=copy.pk, purpose=Purpose.SAFEGUARDING_REFERRAL)
    assert not Envelope.objects.filter(pk__in=sealed_before).exists()
    assert not EnvelopeKey.objects.filter(envelope_id__in=sealed_before).exists()
    # another case's copy, whose ref starts with the same digits' prefix, still opens
    assert levels_opened(org_a, cases.other_copy) == {SUMMARY}


def test_the_record_that_the_case_existed_and_was_destroyed_remains_without_names_or_text(cases, partner):
    _run()

    with tenant_context(partner):
        record = RetentionRecord.objects.get(case_id=cases.doomed.pk)
    assert record.destroyed_at is not None and record.decided_by_id == cases.dpo.pk
    assert (record.opened_on, record.closed_on) == (cases.doomed.opened_on, LONG_AGO)
    assert record.reason == "" and record.shared_copies_destroyed == 2
    (event,) = AuditEvent.objects.filter(action="welfare.case_destroy", target_id=str(cases.doomed.pk))
    assert event.organisation_id == partner.pk
    assert event.detail["concerns"] == 2 and event.detail["entries"] == 1 and event.detail["shared_copies"] == 2
    assert event.detail["approved_by"] == cases.dpo.pk


def test_kept_unreviewed_and_recent_cases_are_not_destroyed(cases, partner):
    output = _run()

    with tenant_context(partner):
        remaining = set(Case.objects.values_list("pk", flat=True))
    assert {cases.kept.pk, cases.unreviewed.pk, cases.recent.pk} <= remaining
    assert f"{partner.slug}:\n" in output and "1 awaiting review" in output


def test_the_command_is_idempotent(cases, partner):
    _run()
    with tenant_context(partner):
        before = RetentionRecord.objects.get(case_id=cases.doomed.pk).destroyed_at
    events = AuditEvent.objects.filter(action="welfare.case_destroy").count()

    again = _run()

    assert "0 case(s) destroyed" in again
    with tenant_context(partner):
        assert RetentionRecord.objects.get(case_id=cases.doomed.pk).destroyed_at == before
    assert AuditEvent.objects.filter(action="welfare.case_destroy").count() == events


def test_a_dry_run_lists_the_case_and_changes_nothing(cases, partner):
    output = _run("--dry-run")

    assert f"case {cases.doomed.pk}: would be destroyed" in output and "Dry run: 1 case(s) would be destroyed" in output
    with tenant_context(partner):
        assert Case.objects.filter(pk=cases.doomed.pk).exists()
    assert not AuditEvent.objects.filter(action="welfare.case_destroy").exists()
    assert all(levels_opened(partner, c) for c in cases.copies)


def test_a_failure_while_destroying_leaves_the_case_whole(cases, partner, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("exchange unavailable")

    monkeypatch.setattr(retention, "records_destroy", broken)

    with pytest.raises(CommandError):
        _run()

    with tenant_context(partner):
        assert Case.objects.filter(pk=cases.doomed.pk).exists()
        assert Concern.objects.filter(case_id=cases.doomed.pk).count() == 2
        assert RetentionRecord.objects.get(case_id=cases.doomed.pk).destroyed_at is None
    assert not AuditEvent.objects.filter(action="welfare.case_destroy").exists()


def test_destroying_case_9001_shreds_its_copies_and_never_those_of_case_90011(cases, org_a, partner):
    with tenant_context(partner):
        one = _closed_case("Jun", "Watanabe", LONG_AGO, pk=9001)
        ten = _closed_case("Amara", "Okonkwo", LONG_AGO, pk=90011)
    mine = [
        share_referral(partner, org_a, ref="case:9001", level=SUMMARY, data={"stage": "closed"}),
        share_referral(partner, org_a, ref="case:9001/transfer:4", level=FULL, data={"stage": "closed"}),
    ]
    theirs = [
        share_referral(partner, org_a, ref="case:90011", level=SUMMARY, data={"stage": "closed"}),
        share_referral(partner, org_a, ref="case:90011/transfer:5", level=FULL, data={"stage": "closed"}),
    ]
    with tenant_context(partner):
        retention.case_retention_review(actor=cases.dpo, organisation=partner, case_id=one.pk, decision="destroy")

    _run()

    assert [levels_opened(org_a, c) for c in mine] == [set(), set()]
    assert [levels_opened(org_a, c) for c in theirs] == [{SUMMARY}, {FULL}]
    with tenant_context(partner):
        assert list(Case.objects.filter(pk__in=[one.pk, ten.pk]).values_list("pk", flat=True)) == [ten.pk]
        assert RetentionRecord.objects.get(case_id=9001).shared_copies_destroyed == 2


def test_a_case_kept_through_the_welfare_services_leaves_no_plaintext_in_their_audit_trail_either(
    org_a, partner, member
):
    # given: a case raised, triaged, recorded, opened with a reason, discussed and closed through the services
    lead, raiser = member(partner, "prevent_lead"), member(partner, "organiser")
    dpo = member(partner, "dpo")
    words = [
        "Oyelaran-Vasquez",
        "Drew a map of the Pellworth depot",
        "Called the Pellworth hostel warden",
        "Checking before the Pellworth review",
        "Pellworth mentoring agreed",
        "Closed: Pellworth support ended",
    ]
    with tenant_context(partner):
        raised = services.concern_raise(
            actor=raiser,
            data=ConcernInput(
                subject_given_name="Ifeoluwa",
                subject_family_name=words[0],
                observed_on=TODAY - dt.timedelta(days=2),
                what_happened=words[1],
            ),
        )
        services.concern_triage(actor=lead, concern=raised, outcome=TriageOutcome.CASE_OPENED)
        kept = Case.objects.get(pk=Concern.objects.get(pk=raised.pk).case_id)
        services.case_open_record(actor=lead, case=kept, reason=words[3])
        services.case_entry_add(actor=lead, case=kept, kind=EntryKind.CONTACT, occurred_on=TODAY, text=words[2])
        meeting = services.meeting_create(actor=lead, held_on=TODAY)
        services.meeting_agenda_add(actor=lead, meeting=meeting, case=kept, discussion=words[4])
        services.case_close(actor=lead, case=kept, closed_on=TODAY, note=words[5])
        Case.objects.filter(pk=kept.pk).update(opened_on=LONG_AGO - dt.timedelta(days=9), closed_on=LONG_AGO)
        retention.case_retention_review(actor=dpo, organisation=partner, case_id=kept.pk, decision="destroy")
    assert len(_plaintext_found(words)) >= 6  # fmt: skip

    # when
    _run("--org", partner.slug)

    # then
    assert _plaintext_found(words) == []
    assert AuditEvent.objects.filter(action="welfare.case_destroy", target_id=str(kept.pk)).exists()


def test_a_referral_sent_through_the_referrals_app_is_shredded_and_its_justification_cleared(org_a, partner, member):
    # given: the partner's Prevent lead sends a summary, and an identified transfer a second person approved
    lead, dpo = member(partner, "prevent_lead"), member(partner, "dpo")
    Drafting(member).active([org_a, partner], template="franchise")
    words = ["Adebayo-Kristiansen", "Olamide must keep her Quayfield placement support at the university"]
    with tenant_context(partner):
        sent = _closed_case("Olamide", words[0], TODAY - dt.timedelta(days=5), summary="Kept in touch weekly.")
        referrals_services.case_summary_share(actor=lead, case=sent, recipient=org_a)
        transfer = referrals_services.transfer_request(actor=lead, case=sent, recipient=org_a, justification=words[1])
        referrals_services.transfer_approve(actor=dpo, transfer=transfer)
        Case.objects.filter(pk=sent.pk).update(opened_on=LONG_AGO - dt.timedelta(days=9), closed_on=LONG_AGO)
        retention.case_retention_review(actor=dpo, organisation=partner, case_id=sent.pk, decision="destroy")
    copies = list(SharedCheck.objects.filter(source=partner, source_ref__startswith=f"case:{sent.pk}"))
    assert len(copies) == 2 and all(levels_opened(org_a, c) for c in copies)
    assert _plaintext_found(words)

    # when
    _run("--org", partner.slug)

    # then: no key opens either copy, no text remains, and the transfer keeps only its numbers and dates
    assert [levels_opened(org_a, c) for c in copies] == [set(), set()]
    assert _plaintext_found(words) == []
    with tenant_context(partner):
        kept = TransferRequest.objects.get(pk=transfer.pk)
        record = RetentionRecord.objects.get(case_id=sent.pk)
    assert kept.case_id is None and kept.case_number == sent.pk and kept.justification == ""
    assert record.destroyed_at is not None and record.shared_copies_destroyed == 2
