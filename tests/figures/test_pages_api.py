"""What people see on /figures/, what the API answers, and the termly command."""

from __future__ import annotations

import json

from django.core.management import call_command
from django_tenants.utils import tenant_context

from figures.models import Submission
from sharing.models import SharedCheck
from tests.figures.conftest import LAST_TERM
from tests.figures.test_flow import SEEDED


def _seeded_and_sent(net):
    net.agree()
    for organisation, (outcomes, stages) in zip(net.members, SEEDED, strict=True):
        net.seed(organisation, LAST_TERM, outcomes, stages)
        net.send(organisation)


def test_the_coordinator_sees_the_networks_trend_chart_and_table_and_who_contributed(net, member, client_on):
    _seeded_and_sent(net)
    coordinator = member(net.network, "coordinator")

    page = client_on(net.network, coordinator).get("/figures/").content.decode()

    assert "The network&#x27;s totals and trends" in page or "The network's totals and trends" in page
    assert "Network: speaker and event requests by outcome" in page
    assert LAST_TERM.label in page
    assert "Alderley Partner College, Alderley University, Brackenford University" in page  # by name
    assert "<td>12</td>" in page  # approved across the three members
    assert "fewer than 5" in page
    assert "Send totals to members" in page


def test_a_member_reviews_sends_and_then_sees_its_figures_beside_the_networks(net, client_on):
    _seeded_and_sent(net)
    alderley = net.members[0]
    with tenant_context(alderley):
        Submission.objects.all().delete()
    lead = net.lead(alderley)
    client = client_on(alderley, lead)

    review = client.get("/figures/send/", {"network": net.network.pk, "period": LAST_TERM.code}).content.decode()
    assert f"Our figures for the {LAST_TERM.label}" in review
    assert "Send these figures" in review

    sent = client.post("/figures/send/", {"network": net.network.pk, "period": LAST_TERM.code}, follow=True)
    assert f"Our figures for the {LAST_TERM.label} were sent to Northern HE Network." in sent.content.decode()

    net.publish()
    page = client.get("/figures/").content.decode()
    assert "Our figures against the network&#x27;s" in page or "Our figures against the network's" in page
    assert f"Northern HE Network: {LAST_TERM.label}" in page
    assert "Speaker and event requests by outcome: yours and the network&#x27;s" in page
    assert "<td>6</td>" in page and "<td>12</td>" in page  # ours and the network's approved
    assert "Brackenford" not in page  # never another member's name or figures


def test_sending_without_an_agreement_shows_why_beside_the_network_field(net, client_on):
    alderley = net.members[0]
    client = client_on(alderley, net.lead(alderley))

    page = client.post("/figures/send/", {"network": net.network.pk, "period": LAST_TERM.code}).content.decode()

    assert "No information-sharing agreement in force lets Northern HE Network receive" in page
    assert not SharedCheck.objects.filter(source=alderley, kind="network_figures").exists()


def test_a_member_with_no_totals_yet_is_told_what_happens_next(net, client_on):
    alderley = net.members[0]
    page = client_on(alderley, net.lead(alderley)).get("/figures/").content.decode()

    assert "No network totals have reached us yet." in page
    assert "Nothing sent yet." in page


def test_the_coordinator_publishes_totals_and_is_told_how_many_went(net, member, client_on):
    _seeded_and_sent(net)
    coordinator = member(net.network, "coordinator")

    page = (
        client_on(net.network, coordinator)
        .post("/figures/publish/", {"period": LAST_TERM.code}, follow=True)
        .content.decode()
    )

    assert f"3 member(s) sent the {LAST_TERM.label} totals" in page
    assert len(net.received(net.members[1])) == 1


def test_the_api_sends_and_lists_contributions_and_names_the_field_at_fault(net, client_on):
    net.agree()
    alderley = net.members[0]
    api = client_on(alderley, net.lead(alderley))

    def post(body):
        return api.post("/api/v1/figures/contributions/", json.dumps(body), content_type="application/json")

    bad_period = post({"network": "northern-network", "period": "autumn"})
    assert bad_period.status_code == 400 and "period" in bad_period.json()["errors"]
    bad_network = post({"network": "brackenford", "period": LAST_TERM.code})
    assert bad_network.status_code == 400 and "network" in bad_network.json()["errors"]

    sent = post({"network": "northern-network", "period": LAST_TERM.code})
    assert sent.status_code == 201, sent.content
    assert sent.json()["period_code"] == LAST_TERM.code and sent.json()["network"] == "Northern HE Network"
    listed = api.get("/api/v1/figures/contributions/").json()
    assert [r["period_code"] for r in listed["results"]] == [LAST_TERM.code]


def test_the_api_gives_the_coordinator_the_same_totals_as_the_page(net, member, client_on):
    _seeded_and_sent(net)
    coordinator = member(net.network, "coordinator")

    rows = client_on(net.network, coordinator).get("/api/v1/figures/totals/").json()

    row = next(r for r in rows if r["period"] == LAST_TERM.code)
    speakers = next(s for s in row["sections"] if s["key"] == "speaker_requests")
    assert speakers["figures"] == [12, 5, "fewer than 5", "fewer than 5", 0]
    assert row["contributors"] == 3


def test_the_termly_command_sends_each_members_figures_once_and_the_totals_back(net):
    net.agree()
    for organisation, (outcomes, stages) in zip(net.members, SEEDED, strict=True):
        net.seed(organisation, LAST_TERM, outcomes, stages)
    from io import StringIO

    out = StringIO()
    call_command("figures_send", "--period", LAST_TERM.code, stdout=out)
    assert "3 sent, 0 already sent" in out.getvalue()
    assert "3 member(s) sent network totals" in out.getvalue()

    again = StringIO()
    call_command("figures_send", "--period", LAST_TERM.code, stdout=again)
    assert "0 sent, 3 already sent" in again.getvalue()
    assert "0 member(s) sent network totals" in again.getvalue()
    assert json.dumps(net.received(net.members[0])).count(LAST_TERM.code) >= 1
