"""The network figures pages' markup (unique ids, every reference points at an element), and the dashboard cards."""

from __future__ import annotations

import re

from tests.figures.conftest import LAST_TERM
from tests.figures.test_flow import SEEDED
from tests.hub.test_page_markup import _ids


def _check(html: str) -> None:
    ids = _ids(html)
    assert not sorted({i for i in ids if ids.count(i) > 1})
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
        for value in re.findall(rf'{attribute}="([^"]*)"', html):
            for target in value.split():
                assert target in ids, f"{attribute} points at missing #{target}"
    for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
        assert target in ids, f"<label for> points at missing #{target!r}"


def test_every_figures_page_and_card_has_sound_markup_and_the_cards_show_the_charts(net, member, client_on):
    net.agree()
    for organisation, (outcomes, stages) in zip(net.members, SEEDED, strict=True):
        net.seed(organisation, LAST_TERM, outcomes, stages)
        net.send(organisation)
    net.publish()
    alderley = net.members[0]
    lead = client_on(alderley, net.lead(alderley))
    coordinator = client_on(net.network, member(net.network, "coordinator"))

    pages = [
        lead.get("/figures/"),
        lead.get("/figures/send/"),
        lead.get("/figures/send/", {"network": net.network.pk, "period": LAST_TERM.code}),
        lead.post("/figures/send/", {"network": "", "period": "soon"}),
        coordinator.get("/figures/"),
    ]
    for response in pages:
        assert response.status_code == 200
        _check(response.content.decode())

    member_dashboard = lead.get("/").content.decode()
    _check(member_dashboard)
    assert "Our figures against the network" in member_dashboard
    assert "Northern HE Network, " + LAST_TERM.label in member_dashboard
    network_dashboard = coordinator.get("/").content.decode()
    _check(network_dashboard)
    assert "Network: speaker and event requests by outcome" in network_dashboard


def test_a_reviewer_sees_no_figures_card(net, member, client_on):
    reviewer = member(net.members[0], "reviewer")

    assert "Our figures against the network" not in client_on(net.members[0], reviewer).get("/").content.decode()
