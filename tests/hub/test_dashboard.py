"""The dashboard shows real work in hand: links, people, agreements, requests and shared checks."""

from django_tenants.utils import tenant_context

from sharing import services as sharing_services
from tests.agreements.conftest import Drafting
from tests.html_text import visible_text
from tests.sharing.conftest import FakeProjection
from tests.speakers.conftest import submit


def test_the_dashboard_shows_links_people_agreements_and_shared_checks(org_a, org_b, partner, member, client_on):
    # given
    lead = member(org_a, "prevent_lead", "org_admin", full_name="Ottilie Achebe-Strand")
    organiser = member(org_a, "organiser")
    drafting = Drafting(member)
    agreement = drafting.active([org_a, org_b])
    waiting = drafting.draft([org_a, partner], template="franchise")
    drafting.propose(waiting)
    sharing_services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    with tenant_context(org_a):
        submit(organiser)

    # when
    page = client_on(org_a, lead).get("/").content.decode()

    # then
    assert "Validates" in page and "Alderley Partner College" in page
    assert "Ottilie Achebe-Strand" in page
    assert "1 speaker request</a> waiting" in page
    assert "1 agreement</a> waiting for our signature" in page
    assert f'1 active agreement: <a href="/agreements/{agreement.pk}/">' in page
    assert "1 speaker check</a> currently shared by us" in page


def test_another_organisations_work_does_not_appear(org_a, org_b, partner, member, client_on):
    drafting = Drafting(member)
    drafting.active([org_b, partner])
    lead = member(org_a, "prevent_lead")

    page = client_on(org_a, lead).get("/").content.decode()

    assert "0 active agreements" in page
    assert "0 speaker checks</a> currently shared by us" in page


def test_the_dashboard_shows_exchange_figures_only_to_those_who_may_open_them(org_a, org_b, member, client_on):
    # given: a shared check of ours
    Drafting(member).active([org_a, org_b])
    sharing_services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Kofi Lindqvist",)))

    # when
    officer = client_on(org_a, member(org_a, "safeguarding_officer")).get("/").content.decode()
    lead = client_on(org_a, member(org_a, "prevent_lead")).get("/").content.decode()

    # then: the officer is not shown links to pages that would refuse them
    assert "currently shared by us" not in officer and "for detail of our shared checks" not in officer
    assert "Search the network" not in officer
    assert "1 speaker check</a> currently shared by us" in lead and "for detail of our shared checks" in lead


def test_an_agreements_other_parties_are_listed_once_each_with_no_stray_separator(
    org_a, org_b, partner, member, client_on
):
    # given a three-party agreement in force, seen from the party listed last
    Drafting(member).active([org_a, org_b, partner])
    lead = member(partner, "prevent_lead")
    # when the partner's Prevent lead opens the dashboard
    text = visible_text(client_on(partner, lead).get("/").content.decode())
    # then the other two parties are named, separated once, and the partner itself is not
    assert f"(with {org_a.name}, {org_b.name})" in text
    assert ", )" not in text
