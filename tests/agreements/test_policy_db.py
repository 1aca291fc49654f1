"""On real rows, `access_receive` and `recipients_for` give the simple model's answers, with one query each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import Agreement, Level
from agreements.policy import SharingDenied, access_receive, recipients_for
from core.dates import day_ends, day_starts
from tenants.models import Organisation, OrganisationLink
from tests.agreements import simple_model
from tests.agreements.conftest import TODAY

KINDS = ["speaker_check", "referral", "partner_report", "network_figures"]
PURPOSES = ["speaker_due_diligence", "safeguarding_referral", "partner_oversight", "network_reporting"]


def _world_from_rows() -> list[dict]:
    """The simple model's view of the stored agreements, read from the agreements themselves (not the index)."""
    world = []
    for agreement in Agreement.objects.order_by("id"):
        versions = []
        for version in agreement.versions.order_by("number"):
            ids = {p.organisation.slug: p.organisation_id for p in version.parties.select_related("organisation")}
            versions.append(
                {
                    "id": version.pk,
                    "parties": list(ids.values()),
                    "proposed": version.proposed_at is not None,
                    "signed_by": list(version.signatures.values_list("organisation_id", flat=True)),
                    "flows": [
                        {
                            "kind": f["kind"],
                            "senders": [ids[s] for s in f["senders"]],
                            "recipients": [ids[r] for r in f["recipients"]],
                            "max_level": int(Level.from_code(f["max_level"])),
                        }
                        for f in version.flows
                    ],
                    "purposes": list(version.purposes),
                    "start": day_starts(version.start_date),
                    "expiry": day_ends(version.expiry_date),
                    "retention": version.retention_days,
                    "art9_or_art10_condition": bool(
                        version.special_category_condition or version.criminal_offence_condition
                    ),
                }
            )
        world.append(
            {
                "id": agreement.pk,
                "current": agreement.current_version_id,
                "versions": versions,
                "suspended": agreement.suspended_at is not None,
                "terminates_at": agreement.terminates_at,
            }
        )
    return world


def _networks_from_rows() -> dict:
    """Which organisations are networks or groups, and the pairs a `member_of` link joins (read independently)."""
    groups = frozenset(Organisation.objects.filter(kind__in=["network", "prevent_group"]).values_list("pk", flat=True))
    members = frozenset(
        frozenset(pair)
        for pair in OrganisationLink.objects.filter(kind="member_of").values_list("source_id", "target_id")
    )
    return {"groups": groups, "members": members}


def _answer(**query):
    try:
        decision = access_receive(**query)
    except SharingDenied as denied:
        return {"allowed": False, "reason": denied.reason.value}
    return {
        "allowed": True,
        "reason": decision.reason.value,
        "agreement": decision.agreement_id,
        "version": decision.agreement_version_id,
        "max_level": int(decision.max_level),
        "retention": decision.retention_days,
        "ends": decision.access_ends_at,
    }


@pytest.fixture
def agreements_in_every_state(drafting, org_a, org_b, partner, network):
    a, b, p, n = org_a, org_b, partner, network
    drafting.active([a, b, n])  # active network exchange
    awaiting = drafting.draft([a, p], "franchise")
    drafting.propose(awaiting)
    drafting.sign(awaiting, a)  # partly signed
    superseded = drafting.active([a, b], "referral_notification")
    superseded.refresh_from_db()
    services.agreement_edit(
        actor=drafting.lead(a),
        organisation=a,
        agreement=superseded,
        parties=[a.slug, b.slug],
        terms={
            **superseded.current_version.__dict__,
            "retention_days": 200,
            "flows": [{"kind": "referral", "senders": [a.slug], "recipients": [b.slug], "max_level": "summary"}],
        },
    )
    drafting.propose(superseded)
    drafting.sign(superseded, b)
    drafting.sign(superseded, a)  # version 2 takes over; version 1's other flows are superseded
    pending = drafting.active([b, n])
    pending.refresh_from_db()
    services.agreement_edit(
        actor=drafting.lead(b),
        organisation=b,
        agreement=pending,
        parties=[b.slug, n.slug],
        terms={
            **pending.current_version.__dict__,
            "flows": [{"kind": "partner_report", "senders": [b.slug], "recipients": [n.slug], "max_level": "full"}],
        },
    )
    drafting.propose(pending)  # pending version 2, unsigned: version 1 stays in force
    suspended = drafting.active([b, p], "network_speaker_checks")
    services.agreement_suspend(actor=drafting.signatory(p), organisation=p, agreement=suspended, reason="Breach")
    ended = drafting.active([a, n])
    services.agreement_terminate(
        actor=drafting.signatory(n), organisation=n, agreement=ended, reason="Merged", notice_days=0
    )
    notice = drafting.active([n, p])
    services.agreement_terminate(
        actor=drafting.signatory(n), organisation=n, agreement=notice, reason="Ending", notice_days=30
    )
    drafting.expired([b, a], "network_speaker_checks", days_ago=10)
    drafting.active(
        [p, b],
        "franchise",
        start_date=TODAY + timedelta(days=10),
        review_date=TODAY + timedelta(days=300),
        expiry_date=TODAY + timedelta(days=900),
    )
    drafting.draft([b, n], "referral_notification")
    return [a, b, p, n]


def test_access_receive_agrees_with_the_simple_model_on_agreements_in_every_state(agreements_in_every_state):
    organisations = agreements_in_every_state
    world = _world_from_rows()
    networks = _networks_from_rows()
    now = timezone.now()
    seen = set()
    for at in (now, now + timedelta(days=20), now + timedelta(days=40), now + timedelta(days=4 * 365)):
        for source in organisations:
            for recipient in organisations:
                for kind in KINDS:
                    for level in (1, 2, 3):
                        for purpose in PURPOSES:
                            query = {
                                "source_id": source.pk,
                                "recipient_id": recipient.pk,
                                "kind": kind,
                                "level": level,
                                "purpose": purpose,
                                "at": at,
                            }
                            expected = simple_model.decide(
                                world,
                                source=source.pk,
                                recipient=recipient.pk,
                                kind=kind,
                                level=level,
                                purpose=purpose,
                                at=at,
                                **networks,
                            )
                            assert _answer(**query) == expected, query
                            seen.add(expected["reason"])
    assert {
        "active_agreement",
        "superseded_version",
        "not_signed_by_every_party",
        "terminated",
        "suspended",
        "not_yet_started",
        "expired",
        "level_too_high",
        "no_agreement",
    } <= seen


def test_recipients_for_lists_exactly_the_organisations_access_receive_allows(agreements_in_every_state):
    organisations = agreements_in_every_state
    for source in organisations:
        grants = recipients_for(source_id=source.pk, kind="speaker_check", level=2, purpose="speaker_due_diligence")
        allowed = {
            r.pk
            for r in organisations
            if _answer(
                source_id=source.pk,
                recipient_id=r.pk,
                kind="speaker_check",
                level=2,
                purpose="speaker_due_diligence",
                at=None,
            )["allowed"]
        }
        assert {g.recipient_id for g in grants} == allowed


def test_one_decision_and_one_recipient_list_each_cost_one_query(agreements_in_every_state, django_assert_num_queries):
    a, b, _, _ = agreements_in_every_state
    with django_assert_num_queries(1):
        access_receive(
            source_id=a.pk, recipient_id=b.pk, kind="speaker_check", level=2, purpose="speaker_due_diligence"
        )
    with django_assert_num_queries(1):
        recipients_for(source_id=a.pk, kind="speaker_check", level=1, purpose="speaker_due_diligence")


def test_a_denial_message_names_neither_the_agreement_nor_the_organisation(agreements_in_every_state):
    a, _, p, _ = agreements_in_every_state
    with pytest.raises(SharingDenied) as denied:
        access_receive(source_id=p.pk, recipient_id=a.pk, kind="referral", level=3, purpose="safeguarding_referral")

    assert denied.value.reason.value == "not_signed_by_every_party"
    assert str(denied.value) == "No active information-sharing agreement allows this."
