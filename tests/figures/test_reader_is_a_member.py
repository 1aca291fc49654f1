"""A member's person reading the network's own figures page knows that member's figures exactly, so
"network − ours" must reveal no more than the member is sent (`member_record`'s rest-of-network rule).

Attack: Alderley's Prevent lead also holds a role on the network's site (as in the demo, where each
member's Prevent lead is the group's). The co-ordinator's table is suppressed on the *network* row
only, so subtracting Alderley's own figures pinned the rest of the network's small counts.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from figures.totals import MIN_CONTRIBUTORS, SECTIONS, _counts, network_totals
from tenants import services as tenant_services
from tests.figures.conftest import LAST_TERM
from tests.figures.test_flow import SEEDED
from tests.figures.test_pages_api import _seeded_and_sent
from tests.figures.test_suppression import PERIOD, THRESHOLD


def test_a_members_person_on_the_network_site_cannot_pin_the_rest_of_the_networks_small_counts(net, member, client_on):
    _seeded_and_sent(net)
    alderley = net.members[0]
    person = member(net.network, "prevent_lead", full_name="Oluwaseun Kowalczyk")
    tenant_services.membership_grant(actor=None, organisation=alderley, user=person, roles=["prevent_lead"])

    rows = client_on(net.network, person).get("/api/v1/figures/totals/").json()

    row = next(r for r in rows if r["period"] == LAST_TERM.code)
    speakers = next(s for s in row["sections"] if s["key"] == "speaker_requests")
    own = SEEDED[0][0]  # what Alderley's Prevent lead knows: approved 6, with mitigations 3, rejected 1
    columns = speakers["columns"]
    for column, figure in zip(columns, speakers["figures"], strict=True):
        if isinstance(figure, int):
            rest = figure - own.get(column, 0)
            assert rest == 0 or rest >= row["threshold"], (column, rest)
    # The rest of the network approved 4 + 2 = 6 (shown) but approved 2 with mitigations: withheld now.
    assert speakers["figures"] == [12, "withheld", "fewer than 5", "fewer than 5", 0]
    assert speakers["total"] == 20  # the rest's total, 10, may be shown
    page = client_on(net.network, person).get("/figures/").content.decode()
    assert "<td>5</td>" not in page  # the network's 5 approved with mitigations is not on the page either

    coordinator = member(net.network, "coordinator")  # the network's own staff see the network row
    rows = client_on(net.network, coordinator).get("/api/v1/figures/totals/").json()
    row = next(r for r in rows if r["period"] == LAST_TERM.code)
    speakers = next(s for s in row["sections"] if s["key"] == "speaker_requests")
    assert speakers["figures"] == [12, 5, "fewer than 5", "fewer than 5", 0]


@given(PERIOD, THRESHOLD, st.integers(1, 6))
def test_network_minus_ours_never_pins_a_small_count_of_the_rest(contributions, threshold, viewer):
    totals = network_totals(contributions, threshold, frozenset({viewer}))
    for section in SECTIONS:
        published = totals.sections[section.key]
        rows = {c.member_id: _counts(c.figures, section) for c in contributions}
        rows = {m: r for m, r in rows.items() if r is not None}
        if published.table is None:
            continue
        assert len(rows) >= MIN_CONTRIBUTORS
        own = rows.get(viewer) or dict.fromkeys(section.columns, 0)
        if viewer in rows:
            assert len(rows) - 1 >= MIN_CONTRIBUTORS - 1
        rest = {c: sum(r[c] for m, r in rows.items() if m != viewer) for c in section.columns}
        cells = published.cells()
        total = published.total()
        for index, column in enumerate(section.columns):
            small = 0 < rest[column] < threshold
            if not small:
                continue
            # the reader may not pin it directly ...
            assert not isinstance(cells[index], int), (section.key, column)
            # ... nor as the total less every other column
            others_shown = all(isinstance(cells[j], int) for j in range(len(cells)) if j != index)
            assert not (isinstance(total, int) and others_shown), (section.key, column)
        if isinstance(total, int):
            rest_total = total - sum(own.values())
            assert rest_total == 0 or rest_total >= threshold
