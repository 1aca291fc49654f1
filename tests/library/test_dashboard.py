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
