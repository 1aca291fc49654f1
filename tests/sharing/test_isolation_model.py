"""Isolation against an independent model: whoever searches sees exactly what the agreements allow.

Hypothesis builds agreements between the session's organisations in every state, shares
checks of a few fictional speakers, runs the sweep, then has every organisation search
every speaker by a name variant. The model below knows nothing of keys, channels or
policy code: a check is visible to its source, and to an organisation that shares an
active, speaker-check agreement with the source. Each example rolls back.
"""

from datetime import date, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements import services as agreement_services
from sharing import selectors, services
from sharing.sweep import exchange_sweep
from tests.agreements.conftest import Drafting
from tests.sharing.conftest import FakeProjection

TODAY = date.today()  # noqa: DTZ011
# Each speaker with the ways a searcher might type the name; every variant must find them.
SPEAKERS = [
    ("Amira El-Masri", ["amira el masri", "Dr AMIRA EL-MASRI", "El-Masri, Amira"]),
    ("Jonas Okafor-Reid", ["jonas okafor reid", "Prof. Jonas Okafor-Reid", "Okafor Reid Jonas"]),
    ("Siân Nakamura", ["Sian Nakamura", "Ms Siân Nakamura", "nakamura sian"]),
]
STATES = [
    "draft",
    "partly_signed",
    "active",
    "suspended",
    "terminated",
    "expired",
    "not_started",
    "change_pending",
    "other_purpose",
]
# A pending change (a new version not yet signed by everyone) never interrupts sharing.
ACTIVE_STATES = {"active", "change_pending"}


class Rollback(Exception):
    pass


agreement_strategy = st.tuples(
    st.lists(st.integers(0, 3), min_size=2, max_size=3, unique=True),  # parties, as indices
    st.sampled_from(STATES),
)
share_strategy = st.tuples(st.integers(0, 3), st.integers(0, len(SPEAKERS) - 1))


def _agreement_in_state(drafting: Drafting, parties, state: str):
    overrides = {}
    if state == "expired":  # an expired agreement cannot be signed: sign one, then let time pass
        drafting.expired(parties, days_ago=1)
        return
    if state == "not_started":
        overrides = {
            "start_date": TODAY + timedelta(days=10),
            "review_date": TODAY + timedelta(days=100),
            "expiry_date": TODAY + timedelta(days=400),
        }
    elif state == "other_purpose":
        overrides = {"purposes": ["network_reporting"]}
    agreement = drafting.draft(parties, **overrides)
    if state == "draft":
        return
    drafting.propose(agreement)
    signers = parties[:1] if state == "partly_signed" else parties
    for organisation in signers:
        drafting.sign(agreement, organisation)
    lead = drafting.signatory(parties[0])
    if state == "suspended":
        agreement_services.agreement_suspend(actor=lead, organisation=parties[0], agreement=agreement, reason="Review")
    elif state == "terminated":
        agreement_services.agreement_terminate(
            actor=lead, organisation=parties[0], agreement=agreement, reason="Ended", notice_days=0
        )
    elif state == "change_pending":
        agreement.refresh_from_db()
        agreement_services.agreement_edit(
            actor=drafting.lead(parties[0]),
            organisation=parties[0],
            agreement=agreement,
            parties=[o.slug for o in parties],
            terms={**_current_terms(agreement), "retention_days": 100},
            change_note="Shorter retention",
        )


def _current_terms(agreement):
    from tests.agreements.conftest import terms_for

    parties = [p.organisation for p in agreement.current_version.parties.all()]
    return terms_for("network_speaker_checks", parties)


def model_visible(searcher: int, source: int, agreements) -> bool:
    """The independent model: its source, or a party to an active speaker-check agreement with it."""
    if searcher == source:
        return True
    return any(state in ACTIVE_STATES and searcher in parties and source in parties for parties, state in agreements)


def test_every_search_result_equals_the_models(org_a, org_b, partner, network, member):
    organisations = [org_a, org_b, partner, network]
    cases = []

    @settings(max_examples=90, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        agreements=st.lists(agreement_strategy, max_size=3),
        shares=st.lists(share_strategy, min_size=1, max_size=4),
        variant=st.integers(0, 2),
    )
    def property_holds(agreements, shares, variant):
        try:
            with transaction.atomic():
                drafting = Drafting(member)
                for parties, state in agreements:
                    _agreement_in_state(drafting, [organisations[i] for i in parties], state)
                shared = []  # (source index, speaker index)
                for request_id, (source, speaker) in enumerate(shares, start=1):
                    try:
                        services.check_share(
                            actor=None,
                            source=organisations[source],
                            projection=FakeProjection(request_id, (SPEAKERS[speaker][0],)),
                        )
                        shared.append((source, speaker))
                    except services.NothingToShare:
                        assert not any(model_visible(o, source, agreements) for o in range(4) if o != source)
                exchange_sweep()
                for searcher, organisation in enumerate(organisations):
                    for speaker, (_, variants) in enumerate(SPEAKERS):
                        found = selectors.speaker_check_search(
                            organisation=organisation, user=None, name=variants[variant]
                        )
                        expected = sorted(
                            s for s, k in shared if k == speaker and model_visible(searcher, s, agreements)
                        )
                        assert (
                            sorted(organisations.index(_by_pk(organisations, v.source_id)) for v in found) == expected
                        )
                        assert all(not v.error for v in found)
                        cases.append(1)
                raise Rollback
        except Rollback:
            pass

    property_holds()

    assert len(cases) >= 1000


def _by_pk(organisations, pk):
    return next(o for o in organisations if o.pk == pk)
