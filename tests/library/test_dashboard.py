"""The library's dashboard card: the latest write-ups, or an invitation to write the first."""

from __future__ import annotations

from tests.html_text import visible_text
from tests.library.conftest import network_member, write


def test_the_card_lists_the_latest_published_write_ups(network, org_a, member, client_on):
    author = network_member(member, network, org_a)
    write(author, network, title="First practice")
    write(author, network, title="Draft practice", publish=False)
    reader = network_member(member, network, org_a, "organiser")

    text = visible_text(client_on(network, reader).get("/"))

    assert "Good-practice library" in text and "1 published write-up of good practice. Latest: First practice" in text
    assert "Draft practice" not in text


def test_an_empty_library_invites_a_publisher_and_shows_others_nothing(network, org_a, member, client_on):
    lead = visible_text(client_on(network, network_member(member, network, org_a)).get("/"))
    organiser = visible_text(client_on(network, network_member(member, network, org_a, "organiser")).get("/"))

    assert "No write-ups of good practice yet. Write up a practice" in lead
    assert "Good-practice library" not in organiser


def test_a_members_card_points_to_its_networks_libraries_where_its_write_ups_are(network, org_a, member, client_on):
    """A member's own library is empty; its card said only "No write-ups … yet", though its network had some."""
    author = network_member(member, network, org_a)
    write(author, network, title="Shared practice")
    lead = member(org_a, "prevent_lead")

    page = client_on(org_a, lead).get("/")
    text = visible_text(page)

    assert f"Write-ups shared with other members are in the libraries of our networks and groups: {network.name}" in (
        text
    )
    assert f'href="http://{network.slug}.' in page.content.decode()
