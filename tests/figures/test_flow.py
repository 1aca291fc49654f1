"""Members send their figures through the exchange; the network's totals are computed and sent back.

Totals are computed here independently (sums of what each member's records say) and compared.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from core.dates import today
from figures import selectors
from figures.models import Contribution
from sharing.models import ChannelGrant, SharedCheck
from tests.figures.conftest import LAST_TERM, TERM_BEFORE, inside, new_member

OUTCOMES = ["approved", "approved_with_mitigations", "rejected", "withdrawn", "speaker_not_invited"]
STAGES = ["prevent_lead_involved", "external_advice_sought", "formal_referral_made"]
# What each member records in the last term: speaker decisions by outcome; cases by stages reached.
SEEDED = [
    ({"approved": 6, "approved_with_mitigations": 3, "rejected": 1}, [1, 2]),
    ({"approved": 4, "approved_with_mitigations": 2, "withdrawn": 1}, [3]),
    ({"approved": 2, "rejected": 1}, [1, 1, 2]),
]


def _expected_network():
    """The network's totals worked out from SEEDED (not from the code under test)."""
    speakers = {o: sum(outcomes.get(o, 0) for outcomes, _ in SEEDED) for o in OUTCOMES}
    stages = {s: sum(sum(1 for reached in cases if reached > i) for _, cases in SEEDED) for i, s in enumerate(STAGES)}
    return speakers, stages


def _shown(value, threshold=5):
    return value if value == 0 or value >= threshold else f"fewer than {threshold}"


def test_the_coordinator_sees_the_network_totals_computed_independently_with_small_numbers_suppressed(net):
    net.agree()
    for organisation, (outcomes, stages) in zip(net.members, SEEDED, strict=True):
        net.seed(organisation, LAST_TERM, outcomes, stages)
        net.send(organisation)

    assert net.ingest() == 3
    with tenant_context(net.network):
        rows = selectors.network_trends(today())

    row = next(r for r in rows if r.period == LAST_TERM)
    speakers, stages = _expected_network()  # approved 12, with mitigations 5, rejected 2, withdrawn 1, not invited 0
    assert row.totals.contributors == 3
    assert sorted(row.members) == sorted(m.name for m in net.members)
    table = row.totals.sections["speaker_requests"]
    cells = dict(zip(OUTCOMES, table.cells(), strict=True))
    assert cells["approved"] == speakers["approved"] == 12
    assert cells["approved_with_mitigations"] == 5
    assert cells["rejected"] == cells["withdrawn"] == "fewer than 5"  # 2 and 1
    assert cells["speaker_not_invited"] == 0  # a true zero is shown
    assert table.total() == sum(speakers.values())  # 20: the total stays, two small cells hide each other
    welfare = dict(zip(STAGES, row.totals.sections["welfare_escalations"].cells(), strict=True))
    assert stages == {"prevent_lead_involved": 6, "external_advice_sought": 3, "formal_referral_made": 1}
    assert welfare["prevent_lead_involved"] == 6
    assert welfare["formal_referral_made"] == "fewer than 5"
    assert welfare["external_advice_sought"] != 3  # 3 is small: never shown
    assert row.totals.sections["training"].table is None  # no member records training: a gap, not zero


def test_each_member_gets_the_network_figures_beside_its_own_and_never_another_members(net):
    net.agree()
    for organisation, (outcomes, stages) in zip(net.members, SEEDED, strict=True):
        net.seed(organisation, LAST_TERM, outcomes, stages)
        net.send(organisation)

    report = net.publish()

    assert sorted(report.sent) == sorted(m.name for m in net.members)
    alderley = net.received(net.members[0])
    assert len(alderley) == 1 and alderley[0]["period"] == LAST_TERM.code
    speakers = alderley[0]["sections"]["speaker_requests"]
    own = dict(zip(speakers["columns"], speakers["yours"], strict=True))
    network = dict(zip(speakers["columns"], speakers["network"], strict=True))
    assert own == {o: SEEDED[0][0].get(o, 0) for o in OUTCOMES}
    # The rest of the network (Brackenford + Cawthorne): approved 6, mitigations 2, rejected 1, withdrawn 1, 0.
    assert network["approved"] == 12  # 6 ours + 6 the rest's: shown
    assert network["speaker_not_invited"] == 0  # 0 + a true zero
    assert network["rejected"] is None and network["withdrawn"] is None  # the rest's 1 and 1 are small
    assert network["approved_with_mitigations"] is None  # the rest's 2 is small
    # Nothing in what Alderley holds names or carries another member's own figures.
    text = str(alderley)
    assert net.members[1].name not in text and net.members[2].name not in text
    # Sending again with nothing changed sends nothing new.
    assert sorted(net.publish().unchanged) == sorted(m.name for m in net.members)


def test_without_an_agreement_nothing_crosses_and_the_member_is_told_why(net):
    alderley = net.members[0]
    net.seed(alderley, LAST_TERM, {"approved": 7}, [])

    with pytest.raises(ValidationError) as refused:
        net.send(alderley)

    assert "network" in refused.value.message_dict
    assert "No information-sharing agreement in force" in refused.value.message_dict["network"][0]
    assert not SharedCheck.objects.filter(source=alderley, kind="network_figures").exists()
    assert net.ingest() == 0
    with tenant_context(alderley):
        from figures.models import Submission

        assert not Submission.objects.exists()


def test_an_agreement_between_members_only_does_not_let_the_network_receive(net):
    a, b, _ = net.members
    net.drafting.active([a, b], template="network_speaker_checks")  # network_figures between a and b only

    with pytest.raises(ValidationError):
        net.send(a)


def test_a_term_not_over_or_a_network_we_do_not_belong_to_is_refused_naming_the_field(net, org_b):
    net.agree()
    from partners.periods import term_containing

    with pytest.raises(ValidationError) as refused:
        net.send(net.members[0], term_containing(today()))
    assert "has not ended yet" in refused.value.message_dict["period"][0]

    net.network = org_b  # not a network Alderley belongs to
    with pytest.raises(ValidationError) as refused:
        net.send(net.members[0])
    assert "member of" in refused.value.message_dict["network"][0]


def test_fewer_than_three_contributors_publish_nothing(net):
    net.agree()
    for organisation, (outcomes, stages) in list(zip(net.members, SEEDED, strict=True))[:2]:
        net.seed(organisation, LAST_TERM, outcomes, stages)
        net.send(organisation)

    report = net.publish()

    assert report.sent == [] and len(report.not_enough) == 3
    with tenant_context(net.network):
        row = next(r for r in selectors.network_trends(today()) if r.period == LAST_TERM)
    assert row.totals.contributors == 2
    sections = row.totals.sections
    assert all(s.table is None for s in sections.values())
    assert "withheld: 2 member(s) contributed" in sections["speaker_requests"].reason
    assert "no data" in sections["training"].reason  # nobody records training
    assert net.received(net.members[0]) == []


def test_a_member_that_leaves_loses_access_at_once_and_its_past_figures_stay_with_the_network(net):
    net.agree()
    for organisation, (outcomes, stages) in zip(net.members, SEEDED, strict=True):
        net.seed(organisation, LAST_TERM, outcomes, stages)
        net.send(organisation)
    net.publish()
    leaver = net.members[2]
    assert len(net.received(leaver)) == 1
    held = ChannelGrant.objects.filter(recipient=leaver, channel__sender=net.network).count()
    assert held > 0

    net.leave(leaver)

    # its grants on the network's channels went in the same transaction
    assert ChannelGrant.objects.filter(recipient=leaver, channel__sender=net.network).count() == 0
    # ...and the network's keys to what the leaver sent went too (the membership rule holds both
    # ways); what it contributed stays as the figures the network already took in (below)
    assert ChannelGrant.objects.filter(recipient=net.network, channel__sender=leaver).count() == 0
    # it can no longer open the network totals sent earlier
    assert net.received(leaver) == []
    # it can send nothing new
    with pytest.raises(ValidationError):
        net.send(leaver, TERM_BEFORE)
    # what it contributed stays in the network's past period, and stays after a fresh ingest
    net.ingest()
    with tenant_context(net.network):
        assert Contribution.objects.filter(member_id=leaver.pk, period_code=LAST_TERM.code).exists()
        row = next(r for r in selectors.network_trends(today()) if r.period == LAST_TERM)
    assert row.totals.contributors == 3 and leaver.name in row.members
    # and the network no longer sends it anything
    report = net.publish()
    assert leaver.name not in report.sent + report.unchanged + report.refused + report.not_enough
    # the members that stay still read theirs
    assert len(net.received(net.members[0])) == 1


def test_a_new_member_gets_nothing_sealed_before_it_joined(net):
    net.agree()
    for organisation, (outcomes, stages) in zip(net.members, SEEDED, strict=True):
        net.seed(organisation, LAST_TERM, outcomes, stages)
        net.send(organisation)
    net.publish()
    sealed_before = set(SharedCheck.objects.filter(kind="network_figures").values_list("pk", flat=True))
    newcomer = new_member("Dunmore Institute", "dunmore", net.network)  # linked, no agreement names it

    assert net.received(newcomer) == []
    with tenant_context(newcomer):
        from sharing.records import records_received

        opened = records_received(organisation=newcomer, user=None, kind="network_figures", purpose="network_reporting")
    assert not {v.id for v in opened} & sealed_before
    assert not ChannelGrant.objects.filter(recipient=newcomer).exists()
    # joining does not make the network send it the term's totals until it is party to an agreement
    report = net.publish()
    assert newcomer.name in report.refused


def test_training_coverage_travels_as_counts_and_a_member_with_no_training_records_is_a_gap(net):
    from tests.training.conftest import course, done, person, require

    # (people required to take the induction, of whom completed it in the term)
    recorded = {net.members[0].pk: (6, 5), net.members[1].pk: (7, 7), net.members[2].pk: (4, 1)}
    net.agree()
    for organisation in net.members:
        people, completed = recorded[organisation.pk]
        with tenant_context(organisation):
            induction = course("Prevent awareness")
            require(induction)
            for i in range(people):
                staff = person(f"S{i:03d}", f"Staff member {i}")
                if i < completed:
                    done(staff, induction, inside(LAST_TERM), net.lead(organisation))
        net.send(organisation)

    net.ingest()
    with tenant_context(net.network):
        row = next(r for r in selectors.network_trends(today()) if r.period == LAST_TERM)
    training = row.totals.sections["training"]
    complete = sum(c for _, c in recorded.values())  # 13
    overdue = sum(p - c for p, c in recorded.values())  # 4: small
    assert training.total() == complete + overdue == 17
    cells = dict(zip(["complete", "overdue"], training.cells(), strict=True))
    assert cells["overdue"] == "fewer than 5"
    assert cells["complete"] == "withheld"  # else 17 − 13 would give the 4 away
    with tenant_context(net.members[0]):
        from figures.models import Submission

        assert Submission.objects.get().figures["training"] == {"complete": 5, "overdue": 1}


def test_a_member_that_records_no_training_sends_a_gap_not_a_zero(net):
    net.agree()
    submission = net.send(net.members[0])

    assert submission.figures["training"] is None
