"""A person signs in once on the public site and moves between their organisations."""

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_person_signs_in_switches_organisation_and_sees_its_name(signed_in_page, hub_server):
    # given: Amara belongs to the University of Northmoor and the Riverside Silver Group
    page = signed_in_page("amara.okafor@northmoor.example")

    # when: she opens Northmoor from her list, then switches to the Silver group
    page.get_by_role("link", name="University of Northmoor").click()
    page.wait_for_url(hub_server.url("northmoor"))
    assert page.get_by_test_id("current-organisation").inner_text() == "University of Northmoor"
    page.get_by_text("Switch organisation").click()
    page.get_by_role("list", name="Your organisations").get_by_role("link", name="Riverside Silver Group").click()

    # then: the Silver group's own host shows the Silver group, and only it
    page.wait_for_url(hub_server.url("riverside-silver"))
    assert page.get_by_test_id("current-organisation").inner_text() == "Riverside Silver Group"
    assert page.get_by_role("heading", level=1).inner_text() == "Riverside Silver Group"
    assert "Eastbrook" not in page.get_by_role("heading", name="People and roles").locator("xpath=..").inner_text()


def test_a_person_gets_not_found_for_an_organisation_they_do_not_belong_to(signed_in_page, hub_server):
    page = signed_in_page("amara.okafor@northmoor.example")

    response = page.goto(hub_server.url("eastbrook"))

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Not found"
    assert not re.search("Priya Raman|Gareth Hughes", page.content())
