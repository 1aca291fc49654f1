"""The return for a seeded year equals the same year counted independently in the test."""

from __future__ import annotations

from datetime import timedelta

from django_tenants.utils import tenant_context

from tests.returns.conftest import (
    YEAR,
    at,
    decision,
    expected_own,
    expected_partner,
    seed_partner_and_file,
    seed_university,
)


def _lines(data):
    return {line["key"]: line for line in data["lines"]}


def test_the_assembled_return_equals_the_seeded_year_counted_by_hand_ours_partners_and_total(seeded):
    # given: a year of the university's records, and the partner's autumn and spring reports received
    seed_university(seeded)
    seeded.drafting.active([seeded.university, seeded.partner], template="franchise")
    record_ids = seed_partner_and_file(seeded)

    # when
    data = seeded.assemble().data
    lines = _lines(data)

    # then: our figures, line by line
    own = expected_own()
    assert {key: lines[key]["own"] for key in own} == own
    # the partner's, as received, and shown separately
    (entry,) = data["partners"]
    assert entry["included"] and entry["name"] == seeded.partner.name
    assert sorted(r["id"] for r in entry["records"]) == sorted(record_ids)
    pid = str(seeded.partner.pk)
    partner = expected_partner()
    assert {key: lines[key]["partners"][pid] for key in partner} == partner
    # the total: ours plus the partner's ("at least" where a partner figure was suppressed)
    for key, ours in own.items():
        theirs = partner.get(key, 0)
        if isinstance(theirs, str) and theirs.startswith("at least"):
            assert lines[key]["total"] == f"at least {ours + int(theirs.split()[-1])}", key
        elif isinstance(theirs, int):
            assert lines[key]["total"] == ours + theirs, key
    # sub-lines the partner's report does not break down
    assert lines["speakers.rejected.procedural"]["partners"][pid] == "not itemised"
    assert lines["speakers.rejected.procedural"]["total"] == own["speakers.rejected.procedural"]


def test_provenance_names_the_records_each_figure_counts(seeded):
    seed_university(seeded)
    data = seeded.assemble().data
    lines = _lines(data)

    counted = lines["speakers.approved"]["source"]["ids"]
    assert seeded.speaker_ids["edge"][0] in counted  # 00:30 on 1 August is in the year
    assert len(counted) == expected_own()["speakers.approved"]
    assert set(counted) <= set(seeded.speaker_ids["all"]) | set(seeded.speaker_ids["edge"])
    assert lines["welfare.formal_referral_made"]["source"]["kind"] == "case"
    assert set(lines["welfare.prevent_lead_involved"]["source"]["ids"]) <= set(seeded.case_ids["all"])


def test_a_record_changed_after_assembly_shows_only_when_assembled_again(seeded):
    seed_university(seeded)
    first = seeded.assemble()
    with tenant_context(seeded.university):
        decision(seeded.lead, at(YEAR.start + timedelta(days=40)), "approved", 40)

    again = seeded.assemble()

    assert again.pk == first.pk and again.version == 1  # a draft is refreshed in place
    assert _lines(again.data)["speakers.approved"]["own"] == expected_own()["speakers.approved"] + 1
