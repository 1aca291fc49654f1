"""A report is assembled from the partner's own records, counting only what fell in its period."""

from datetime import timedelta

from django_tenants.utils import tenant_context

from partners import services
from partners.periods import previous_term
from tests.partners.conftest import LAST_TERM, seed_action, seed_case, seed_concern, seed_decision

INSIDE = LAST_TERM.start + timedelta(days=10)
BEFORE = previous_term(LAST_TERM).start + timedelta(days=5)


def test_a_draft_counts_concerns_stages_outcomes_actions_speakers_and_training_of_its_period_only(w):
    # given: records inside the last ended term, and some before it that must not count
    with tenant_context(w.partner):
        for n in range(6):
            seed_concern(INSIDE, n)
        seed_concern(BEFORE, 7)
        seed_case(INSIDE, stages=3, outcome="prevent_referral", n=1)
        seed_case(INSIDE, stages=2, outcome="specialist_advice_support", n=2)
        supported = seed_case(INSIDE, stages=1, outcome="internal_support", closed=INSIDE + timedelta(days=3), n=3)
        old = seed_case(BEFORE, stages=1, outcome="no_further_action", n=4)
        seed_action(supported, due=INSIDE + timedelta(days=1))  # open, and overdue by the term's end
        seed_action(old, due=BEFORE + timedelta(days=1), done_on=BEFORE + timedelta(days=2))  # done before
        seed_decision(w.officer, INSIDE, "approved", 1)
        seed_decision(w.officer, INSIDE, "approved_with_mitigations", 2)
        seed_decision(w.officer, BEFORE, "rejected", 3)
        services.training_record(
            actor=w.officer, organisation=w.partner, delivered_on=INSIDE,
            topic="Prevent awareness refresher", audience="Student services staff", attendees=14,
        )  # fmt: skip

    # when
    draft = w.assemble(LAST_TERM)

    # then
    f = draft.figures
    assert f["period"]["code"] == LAST_TERM.code
    assert f["concerns"] == {"raised": 6}
    assert f["escalations"] == {"prevent_lead_involved": 3, "external_advice_sought": 2, "formal_referral_made": 1}
    assert f["outcomes"]["prevent_referral"] == 1 and f["outcomes"]["no_further_action"] == 0
    assert f["cases"] == {"opened": 3, "closed": 1, "open_at_end": 3}
    assert f["open_actions"] == {"open": 1, "overdue": 1}
    assert f["speaker_requests"]["by_outcome"]["approved"] == 1
    assert f["speaker_requests"]["by_outcome"]["rejected"] == 0
    assert f["speaker_requests"]["decided"] == 2
    assert f["training"]["sessions"] == 1 and f["training"]["attendees"] == 14
    assert draft.status == "draft" and draft.version == 1


def test_what_leaves_the_partner_suppresses_small_counts_about_people_but_not_speaker_counts(w):
    with tenant_context(w.partner):
        for n in range(6):
            seed_concern(INSIDE, n)
        seed_case(INSIDE, stages=1, outcome="internal_support", n=1)
        seed_decision(w.officer, INSIDE, "approved", 1)
    draft = w.assemble(LAST_TERM)

    from partners.projection import report_record

    record = report_record(draft, organisation=w.partner, signer=None)

    assert record["figures"]["concerns"]["raised"] == 6
    assert record["figures"]["outcomes"]["internal_support"] is None  # 1 < 5: "fewer than 5"
    assert "outcomes.internal_support" in record["figures"]["suppressed"]
    assert record["figures"]["outcomes"]["police_referral"] == 0
    assert record["figures"]["speaker_requests"]["by_outcome"]["approved"] == 1
    assert "Amaka" not in str(record) and "Eze" not in str(record)


def test_a_period_not_yet_started_or_badly_named_is_refused_with_a_message_naming_the_field(w):
    import pytest
    from django.core.exceptions import ValidationError

    from partners.models import PartnerReport

    for bad in ("2099-00-autumn", "autumn 2025", "2030-31-spring"):
        with pytest.raises(ValidationError) as refused:
            w.assemble(bad)
        assert "period" in refused.value.message_dict
    with tenant_context(w.partner):
        assert not PartnerReport.objects.exists()
