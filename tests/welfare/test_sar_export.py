"""Subject access: the export holds every field of every record about the person, and nothing about others.

Seeded data (tests/welfare/subjects.py): Zoë Ó Briain's concerns (one written with a zero-width
space and a no-break space, one with messy spacing and capitals) and her case with its
chronology, actions, meeting and openings; a full referral about her received from the partner
college; near-name variants ("Zoe O'Brien", one with a different date of birth); other people.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.db import models
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from referrals import services as referrals_services
from tests.agreements.conftest import Drafting
from tests.welfare.subjects import FULL, SUMMARY, TODAY, ZOE_BORN, seed_zoe, share_referral
from welfare import sar
from welfare.models import Case, CaseAction, CaseEntry, CaseOpening, Concern


@pytest.fixture
def people(org_a, member):
    return {
        "dpo": member(org_a, "dpo", full_name="Priya Raman"),
        "raiser": member(org_a, "organiser", full_name="Tomasz Wielgosz"),
        "officer": member(org_a, "safeguarding_officer", full_name="Adaeze Nwosu"),
        "lead": member(org_a, "prevent_lead", full_name="Mei Lin Tan"),
    }


@pytest.fixture
def seeded(org_a, partner, people, member):
    Drafting(member).active([org_a, partner], template="franchise")
    # as the referral projection sends them: the subject nested, stages as a list
    zoe = {"kind": "student", "given_name": "ZOE", "family_name": "o'briain", "date_of_birth": ZOE_BORN.isoformat()}
    about_zoe = "Shared a Greyfriars video channel in the partner college's common room."
    stages = [{"stage": "prevent_lead_involved", "date": "2026-10-01"}]
    share_referral(partner, org_a, ref="case:5/transfer:1", level=FULL,
                   data={"subject": zoe, "case_summary": about_zoe, "stages": stages})  # fmt: skip
    share_referral(partner, org_a, ref="case:6", level=SUMMARY, data={"stage": "prevent_lead_involved"})
    kwame = {"given_name": "Kwame", "family_name": "Asante"}
    share_referral(
        partner, org_a, ref="case:8/transfer:2", level=FULL, data={"subject": kwame, "case_summary": "Not her."}
    )
    with tenant_context(org_a):
        return seed_zoe(people["raiser"], people["officer"], people["lead"])


def _export(org, user, **kwargs):
    with tenant_context(org):
        return sar.subject_access_export(organisation=org, user=user, **kwargs)


def _unzip(content: bytes) -> tuple[dict, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == ["subject-access.json", "subject-access.txt"]
        return json.loads(archive.read("subject-access.json")), archive.read("subject-access.txt").decode()


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields} | {f.name for f in model._meta.many_to_many}


def _all_concerns(document: dict) -> dict[int, dict]:
    found = {r["id"]: r for r in document["sections"]["concerns"]}
    for case in document["sections"]["cases"]:
        found.update({r["id"]: r for r in case["parts"]["concerns"]})
    return found


def test_the_export_holds_every_record_about_the_person_with_every_field_and_part(org_a, people, seeded):
    exported = _export(org_a, people["dpo"], given_name="Zoë", family_name="Ó Briain", date_of_birth=ZOE_BORN)
    document, text = _unzip(exported.content)

    # every concern about Zoë (her case's, a merged one, a loose one), and no one else's
    concerns = _all_concerns(document)
    assert set(concerns) == {seeded.matches[k] for k in ("concern:first", "concern:merged", "concern:loose")}
    assert all(set(c["fields"]) == _field_names(Concern) for c in concerns.values())
    # her case, with every field, its chronology, actions, meeting, opening and concerns
    (case,) = document["sections"]["cases"]
    assert case["id"] == seeded.matches["case"] and set(case["fields"]) == _field_names(Case)
    assert case["fields"]["outcome"] == "specialist_advice_support"
    assert case["display"]["ideology_category"] == "Mixed, unclear and unstable"
    assert case["fields"]["external_advice_sought_on"] and case["fields"]["prevent_lead_involved_on"]
    assert {m["name"] for m in case["fields"]["team"]} == {"Adaeze Nwosu", "Mei Lin Tan"}
    with tenant_context(org_a):
        entries = set(CaseEntry.objects.filter(case_id=case["id"]).values_list("pk", flat=True))
        actions = set(CaseAction.objects.filter(case_id=case["id"]).values_list("pk", flat=True))
    assert {e["id"] for e in case["parts"]["entries"]} == entries and len(entries) == 2
    assert {a["id"] for a in case["parts"]["actions"]} == actions and len(actions) == 2
    assert all(set(e["fields"]) == _field_names(CaseEntry) for e in case["parts"]["entries"])
    assert [m["id"] for m in case["parts"]["meetings"]] == [seeded.meeting.pk]
    assert case["parts"]["openings"][0]["fields"]["reason"] == "Preparing for the weekly meeting."
    # the meeting's general notes (about other students) are left out, and the file says so
    assert "General notes about several students" not in json.dumps(document)
    # every text stored about her is in the JSON and in the readable text
    flat = json.dumps(document, ensure_ascii=False)
    for stored in seeded.texts:
        assert stored in flat, stored
        assert stored.split()[0] in text
    # what partners sent about her: the full referral, not the other person's, and summaries counted
    (received,) = document["sections"]["received"]
    assert received["fields"]["data.case_summary"].startswith("Shared a Greyfriars video channel")
    assert received["fields"]["data.subject.given_name"] == "ZOE"
    assert set(received["display"]["data.stages"].split(", ")) == {"stage: prevent_lead_involved", "date: 2026-10-01"}
    assert "Kwame" not in flat
    assert any("1 summary record(s) received from partners name no one" in note for note in document["notes"])
    # near names: the other Zoe O'Brien (different birthday) and the undated one are not in the file
    for other in ("Kestrel Court", "Wrenfield", "Tendai", "Alder library"):
        assert other not in flat
    assert document["format"] == "partnership-hub/subject-access" and document["version"] == 1


def test_a_possible_match_is_exported_only_when_confirmed_and_another_person_never(org_a, people, seeded):
    other = seeded.different["concern:other-zoe"]
    maybe = seeded.possible["concern:zoe-obrien"]
    include = [f"concern:{maybe}", f"concern:{other}"]  # a hand-made form may name anything

    with tenant_context(org_a):
        found = sar.subject_access_search(organisation=org_a, user=people["dpo"], given_name="zoe",
                                          family_name="o briain", date_of_birth=ZOE_BORN)  # fmt: skip
    zoe = {"given_name": "Zoë", "family_name": "Ó Briain", "date_of_birth": ZOE_BORN}
    plain, _ = _unzip(_export(org_a, people["dpo"], **zoe).content)
    confirmed, _ = _unzip(_export(org_a, people["dpo"], **zoe, include=include).content)

    assert [h.key for h in found.possible] == [f"concern:{maybe}"] and found.different_people == 1
    assert maybe not in _all_concerns(plain)
    assert maybe in _all_concerns(confirmed) and other not in _all_concerns(confirmed)


def test_without_a_date_of_birth_the_other_zoe_obrien_is_offered_as_possible_not_exported(org_a, people, seeded):
    with tenant_context(org_a):
        found = sar.subject_access_search(
            organisation=org_a, user=people["dpo"], given_name="Zoë", family_name="Ó Briain"
        )
    matches, possible = {h.key for h in found.matches}, {h.key for h in found.possible}

    assert possible == {_key(seeded.different, "concern:other-zoe"), _key(seeded.possible, "concern:zoe-obrien")}
    assert matches >= {_key(seeded.matches, "case"), _key(seeded.matches, "concern:loose")}
    assert not matches & {_key(seeded.unrelated, "case:wiremu"), _key(seeded.unrelated, "case:chloe")}


def _key(ids: dict[str, int], label: str) -> str:
    return f"{label.split(':')[0]}:{ids[label]}"


def test_the_export_is_audited_with_counts_and_the_files_hash_and_no_name(org_a, people, seeded):
    exported = _export(org_a, people["dpo"], given_name="Zoë", family_name="Ó Briain", date_of_birth=ZOE_BORN)

    (event,) = AuditEvent.objects.filter(action="welfare.subject_access_export", organisation_id=org_a.pk)
    assert event.actor_id == people["dpo"].pk and event.target_id == exported.export_id
    assert event.detail["sha256"] == exported.sha256 and event.detail["records"] == exported.records == 3
    assert event.detail["cases"] == 1 and event.detail["concerns"] == 3 and event.detail["received"] == 1
    assert "briain" not in json.dumps(event.detail).lower() and "zo" not in json.dumps(event.detail).lower()
    assert exported.filename == f"subject-access-{org_a.slug}-{exported.export_id}.zip"
    with tenant_context(org_a):  # the case shows who read it, and why
        opening = CaseOpening.objects.filter(case_id=seeded.matches["case"], opened_by=people["dpo"]).get()
    assert exported.export_id in opening.reason


def test_a_student_number_finds_a_record_under_another_name_as_possible(org_a, people, seeded):
    with tenant_context(org_a):
        renamed = Case.objects.create(subject_given_name="Zoe", subject_family_name="Byrne", subject_number="s1234567",
                                      opened_on=seeded.case.opened_on)  # fmt: skip
        found = sar.subject_access_search(organisation=org_a, user=people["dpo"], given_name="Zoë",
                                          family_name="Ó Briain", reference="S123 4567")  # fmt: skip

    assert f"case:{renamed.pk}" in {h.key for h in found.possible}
    assert f"case:{seeded.matches['case']}" in {h.key for h in found.matches}


def test_a_cases_referrals_are_in_the_export_with_who_received_them(org_a, partner, member):
    # given: a partner's case sent to its validating university as a summary and as an identified transfer
    lead, dpo = member(partner, "prevent_lead"), member(partner, "dpo")
    Drafting(member).active([org_a, partner], template="franchise")
    why = "She asked for support to continue when she moves to the university's Kingsmead campus."
    with tenant_context(partner):
        sent = Case.objects.create(subject_given_name="Yetunde", subject_family_name="Ashworth-Obi", opened_on=TODAY)
        referrals_services.case_summary_share(actor=lead, case=sent, recipient=org_a)
        transfer = referrals_services.transfer_request(actor=lead, case=sent, recipient=org_a, justification=why)
        referrals_services.transfer_approve(actor=dpo, transfer=transfer)

    # when
    document, text = _unzip(_export(partner, dpo, given_name="yetunde", family_name="ashworth obi").content)

    # then: Art. 15(1)(c): who received what and when; the transfer's justification is hers too
    (case,) = document["sections"]["cases"]
    shared = case["parts"]["shared"]
    assert {s["fields"]["recipient_name"] for s in shared} == {org_a.name}
    assert {s["fields"]["level"] for s in shared} == {
        "Summary (outcome, mitigations, dates)",
        "Full (the whole projection)",
    }
    (request,) = case["parts"]["referrals.transferrequest"]
    assert request["fields"]["justification"] == why and request["display"]["status"] == "Approved and sent"
    assert "Kingsmead campus" in text and org_a.name in text
