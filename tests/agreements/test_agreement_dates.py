"""Agreement dates mean the whole day in Europe/London; an agreement that would never be in force is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from agreements import services
from agreements.flows import _version_rows
from agreements.models import Agreement, AgreementVersion
from agreements.policy import FlowTerms, can_receive
from agreements.states import State, agreement_state
from tests.agreements.conftest import TODAY, age, counts, terms_for
from tests.agreements.dates_table import EXPIRY_CASES


def _in_memory(start: date, expiry: date) -> Agreement:
    version = AgreementVersion(
        pk=1,
        number=1,
        start_date=start,
        expiry_date=expiry,
        review_date=start,
        proposed_at=datetime(2026, 1, 1, tzinfo=UTC),
        fully_signed_at=datetime(2026, 1, 1, tzinfo=UTC),
        purposes=["speaker_due_diligence"],
        retention_days=30,
        flows=[{"kind": "speaker_check", "senders": ["a"], "recipients": ["b"], "max_level": "summary"}],
    )
    agreement = Agreement(pk=1, current_version=version)
    version.agreement = agreement
    return agreement


def _policy_allows(agreement: Agreement, at: datetime) -> bool:
    rows = _version_rows(agreement, agreement.current_version, {"a": 1, "b": 2})
    terms = [
        FlowTerms(
            agreement_id=1,
            version_id=1,
            sender_id=r.sender_id,
            recipient_id=r.recipient_id,
            kind=r.kind,
            max_level=r.max_level,
            purposes=frozenset(r.purposes),
            retention_days=r.retention_days,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
            is_current=r.is_current,
            all_signed=r.all_signed,
            suspended=r.suspended,
            terminates_at=r.terminates_at,
        )
        for r in rows
    ]
    query = {"source_id": 1, "recipient_id": 2, "kind": "speaker_check", "level": 2, "purpose": "speaker_due_diligence"}
    return can_receive(terms, **query, at=at).allowed


@pytest.mark.parametrize(("expiry", "at", "expected"), EXPIRY_CASES)
def test_the_page_state_and_the_policy_agree_on_when_an_agreement_expires(expiry, at, expected):
    agreement = _in_memory(date(2026, 1, 1), expiry)

    assert agreement_state(agreement, at) == expected
    assert _policy_allows(agreement, at) == (expected == State.ACTIVE)


def test_an_agreement_starting_on_a_date_is_in_force_from_midnight_london_time():
    agreement = _in_memory(date(2026, 7, 1), date(2026, 12, 31))

    assert agreement_state(agreement, datetime(2026, 6, 30, 22, 59, tzinfo=UTC)) == State.SIGNED_NOT_STARTED
    assert agreement_state(agreement, datetime(2026, 6, 30, 23, 0, tzinfo=UTC)) == State.ACTIVE  # 00:00 BST


def test_an_agreement_expiring_today_is_still_active_today(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b], review_date=TODAY, expiry_date=TODAY + timedelta(days=1))
    age(agreement, 1)  # now its expiry date is today

    assert agreement.current_version.expiry_date == TODAY
    assert agreement_state(agreement, datetime.now(tz=UTC)) == State.ACTIVE


def _past(**extra):
    return {"start_date": TODAY - timedelta(days=30), "review_date": TODAY - timedelta(days=5), **extra}


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            _past(expiry_date=TODAY - timedelta(days=1)),
            "expiry_date",
            "has passed: the agreement would never be in force",
        ),
        (
            {
                "start_date": TODAY + timedelta(days=10),
                "review_date": TODAY + timedelta(days=10),
                "expiry_date": TODAY + timedelta(days=5),
            },
            "expiry_date",
            "must be on or after the start date",
        ),
    ],
)
def test_drafting_an_agreement_that_would_never_be_in_force_is_refused_and_stores_nothing(
    drafting, org_a, org_b, dates, field, message
):
    drafting.lead(org_a), drafting.signatory(org_a), drafting.lead(org_b), drafting.signatory(org_b)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        drafting.draft([org_a, org_b], **dates)

    assert any(message in m for m in refused.value.message_dict[field])
    assert counts() == before


def test_proposing_a_draft_whose_expiry_has_passed_is_refused(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b], review_date=TODAY, expiry_date=TODAY + timedelta(days=2))
    age(agreement, 5)
    before = counts()

    with pytest.raises(ValidationError, match="cannot be in force.*has passed"):
        drafting.propose(agreement)

    assert counts() == before


def test_signing_a_version_whose_expiry_has_passed_is_refused(drafting, org_a, org_b):
    agreement = drafting.draft([org_a, org_b], review_date=TODAY, expiry_date=TODAY + timedelta(days=2))
    drafting.propose(agreement)
    drafting.sign(agreement, org_a)
    age(agreement, 5)
    before = counts()

    with pytest.raises(ValidationError, match="cannot be in force.*has passed"):
        drafting.sign(agreement, org_b)

    assert counts() == before


def test_a_successor_cannot_start_after_today_and_leave_a_gap_in_sharing(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.agreement_edit(
            actor=drafting.lead(org_a),
            organisation=org_a,
            agreement=agreement,
            parties=[org_a.slug, org_b.slug],
            terms={**terms_for("network_speaker_checks", [org_a, org_b]), "start_date": TODAY + timedelta(days=20)},
        )

    assert "takes over as soon as every party has signed it" in refused.value.message_dict["start_date"][0]
    assert counts() == before
