"""The return's pages keep the markup assistive technology relies on (as tests/hub/test_page_markup.py)."""

from __future__ import annotations

import re

from tests.returns.conftest import seed_partner_and_file, seed_university


def _check(name: str, html: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{name}: duplicate ids {duplicates}"
    for attribute in ("aria-describedby", "aria-labelledby", "aria-controls"):
        for value in re.findall(rf'{attribute}="([^"]*)"', html):
            for target in value.split():
                assert target in ids, f"{name}: {attribute} points at missing #{target}"
    for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
        assert target in ids, f"{name}: <label for> points at missing #{target!r}"


def test_every_return_page_has_unique_ids_and_references_that_resolve(seeded, client_on):
    seed_university(seeded)
    seeded.drafting.active([seeded.university, seeded.partner], template="franchise")
    seed_partner_and_file(seeded)
    ret = seeded.assemble()
    client = client_on(seeded.university, seeded.lead)

    pages = {
        "index": client.get("/return/"),
        "index, errors": client.post("/return/", {"year": "1999-00"}),
        "return": client.get(f"/return/{ret.pk}/"),
        "records": client.get(f"/return/{ret.pk}/records/"),
        "records of a figure": client.get(f"/return/{ret.pk}/records/?figure=speakers.approved"),
        "dashboard": client.get("/"),
    }

    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        _check(name, response.content.decode())
    assert "Select a valid choice" in pages["index, errors"].content.decode()
