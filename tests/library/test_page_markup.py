"""The library's pages: unique ids, and every label and ARIA reference points at an element (as tests/hub)."""

from __future__ import annotations

import re

import pytest

from tests.hub.test_page_markup import _ids
from tests.library.conftest import network_member, write


@pytest.fixture
def pages(network, org_a, member, client_on):
    author = network_member(member, network, org_a)
    practice = write(author, network)
    client = client_on(network, author)
    return {
        "library": client.get("/library/"),
        "library, search": client.get("/library/", {"q": "welfare", "theme": "welfare"}),
        "library, bad theme": client.get("/library/", {"theme": "horoscopes"}),
        "ours": client.get("/library/ours/"),
        "new": client.get("/library/new/"),
        "new, errors": client.post("/library/new/", {"title": "\u200b", "publish": "1"}),
        "detail": client.get(f"/library/{practice.pk}/"),
        "edit": client.get(f"/library/{practice.pk}/edit/"),
        "dashboard": client.get("/"),
    }


def test_every_library_page_has_unique_ids_and_no_dangling_references(pages):
    for name, response in pages.items():
        assert response.status_code in (200, 400), (name, response.status_code)
        html = response.content.decode()
        ids = _ids(html)
        assert not sorted({i for i in ids if ids.count(i) > 1}), name
        for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
            for value in re.findall(rf'{attribute}="([^"]*)"', html):
                assert all(target in ids for target in value.split()), (name, attribute, value)
        for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
            assert target in ids, (name, target)


def test_an_unknown_theme_in_the_address_is_explained_not_ignored(pages):
    assert pages["library, bad theme"].status_code == 400
    assert "Select a valid choice." in pages["library, bad theme"].content.decode()
