"""Gaps are flagged, never reported as 0: empty months, a section with no records at all, no training
data, a partner's missing report, a partner whose agreement does not let its figures in."""

from __future__ import annotations

from datetime import timedelta

from django_tenants.utils import tenant_context

from returns import assembly
from tests.returns.conftest import MONTHS, YEAR, at, decision, seed_partner_and_file, seed_university


def _lines(data):
    return {line["key"]: line for line in data["lines"]}


def _messages(data, code):
    return [g["message"] for g in data["gaps"] if g["code"] == code]


def test_a_year_with_missing_data_is_flagged_month_by_month_and_a_section_without_records_is_no_data(seeded):
    # given: speaker decisions in September only; no welfare records at all; no training
    with tenant_context(seeded.university):
        decision(seeded.lead, at(MONTHS[1] + timedelta(days=3)), "approved", 1)
        decision(seeded.lead, at(MONTHS[1] + timedelta(days=4)), "rejected", 2, "procedural")

    data = seeded.assemble().data
    lines = _lines(data)

    # then: the speaker figures are counts (a true 0 stays 0), and the eleven empty months are named
    assert lines["speakers.approved"]["own"] == 1 and lines["speakers.withdrawn"]["own"] == 0
    empty = _messages(data, "speakers_month_empty")
    assert len(empty) == 11
    assert f"No speaker or event requests recorded in August {YEAR.year}." in empty
    assert not any(f"September {YEAR.year}" in m for m in empty)
    # welfare: nothing in the whole year is no data, not 0
    assert all(line["own"] is None for line in lines.values() if line["section"] == "welfare")
    assert all(line["total"] is None for line in lines.values() if line["section"] == "welfare")
    assert _messages(data, "welfare_no_records")
    # training: no data
    assert [lines[f"training.{k}"]["own"] for k in ("induction", "refresher", "briefing")] == [None, None, None]
    assert _messages(data, "training_no_data")


def test_a_full_year_flags_no_month_but_the_partners_missing_summer_report(seeded):
    seed_university(seeded)
    seeded.drafting.active([seeded.university, seeded.partner], template="franchise")
    seed_partner_and_file(seeded)

    data = seeded.assemble().data

    assert not _messages(data, "speakers_month_empty") and not _messages(data, "welfare_month_empty")
    assert _messages(data, "partner_report_missing") == [
        f"{seeded.partner.name}: no report received for the Summer term {YEAR.year}/{(YEAR.year + 1) % 100:02d}."
    ]
    # and the figures it touches carry the flag (exports too)
    flags = _lines(data)["welfare.prevent_lead_involved"]["flags"]
    assert flags == [f"{seeded.partner.name}: 1 term report(s) missing"]


def test_without_an_agreement_in_force_a_partners_figures_are_not_included_and_the_gap_is_flagged(seeded):
    # given: the partner filed its reports under a franchise agreement, which has since ended
    seed_university(seeded)
    agreement = seeded.drafting.active([seeded.university, seeded.partner], template="franchise")
    seed_partner_and_file(seeded)
    from agreements import services as agreement_services

    agreement_services.agreement_suspend(
        actor=seeded.drafting.signatory(seeded.university), organisation=seeded.university, agreement=agreement,
        reason="Review of the partner's safeguarding arrangements.",
    )  # fmt: skip

    # when
    data = seeded.assemble().data

    # then: not included, nothing of its figures in the totals, and said so
    (entry,) = data["partners"]
    assert not entry["included"] and entry["records"] == []
    assert all(line["partners"] == {} for line in data["lines"])
    lines = _lines(data)
    assert lines["welfare.prevent_lead_involved"]["total"] == lines["welfare.prevent_lead_involved"]["own"]
    (message,) = _messages(data, "partner_no_agreement")
    assert f"excludes {seeded.partner.name} (no agreement in force)" in lines["speakers.approved"]["flags"]
    assert message.startswith(f"{seeded.partner.name}: not included")


def test_a_partner_with_no_agreement_ever_is_not_included(seeded):
    seed_university(seeded)

    data = seeded.assemble().data

    assert [p["included"] for p in data["partners"]] == [False]
    assert _messages(data, "partner_no_agreement")


def test_training_figures_come_from_the_training_interface_and_none_is_no_data(seeded, monkeypatch):
    # The training app's `delivered_in` (COMMON.md interface) stands in here until that branch is merged.
    seed_university(seeded)
    seen = []

    def delivered_in(start, end):
        seen.append((start, end))
        return {"induction": 41, "refresher": 0, "briefing": None}

    monkeypatch.setattr(assembly, "delivered_in", delivered_in)
    data = seeded.assemble().data
    lines = _lines(data)

    assert seen == [(YEAR.start, YEAR.end)]
    assert [lines[f"training.{k}"]["own"] for k in ("induction", "refresher", "briefing")] == [41, 0, None]
    assert not _messages(data, "training_no_data")


def test_training_delivered_in_the_year_is_counted_from_the_training_records_by_kind(seeded):
    # given: completions of each kind in the year, and one the day before it starts (not counted)
    from tests.training.conftest import course, done, person

    seed_university(seeded)
    with tenant_context(seeded.university):
        induction = course("Prevent awareness for new staff", kind="induction")
        refresher = course("Prevent refresher", kind="refresher", months=24)
        briefing = course("Student union officers' briefing", kind="briefing", tier="face_to_face")
        names = ["Chidi Okeke", "Małgorzata Nowak", "Aroha Ngata", "Farid Karimi", "Siobhán Byrne", "Yuki Tanaka"]
        people = [person(f"S{n:03d}", name) for n, name in enumerate(names)]
        completions = [
            (people[0], induction, YEAR.start), (people[1], induction, YEAR.start + timedelta(days=40)),
            (people[2], induction, YEAR.end), (people[3], refresher, YEAR.start + timedelta(days=100)),
            (people[4], briefing, YEAR.start + timedelta(days=200)),
            (people[5], briefing, YEAR.start + timedelta(days=201)),
            (people[5], induction, YEAR.start - timedelta(days=1)),
        ]  # fmt: skip
        for who, what, on in completions:
            done(who, what, on, seeded.lead)
    expected = {
        kind: sum(1 for _p, c, on in completions if c.kind == kind and YEAR.start <= on <= YEAR.end)
        for kind in ("induction", "refresher", "briefing")
    }

    data = seeded.assemble().data

    lines = _lines(data)
    assert {kind: lines[f"training.{kind}"]["own"] for kind in expected} == expected == {
        "induction": 3, "refresher": 1, "briefing": 2,
    }  # fmt: skip
    assert not _messages(data, "training_no_data")
