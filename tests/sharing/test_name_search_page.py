"""The search page tells people what to type (sharing/NAMES.md), and finds what it promises."""

from sharing import services
from tests.sharing.conftest import FakeProjection


def test_the_search_page_says_what_to_type(org_b, member, client_on, world):
    page = client_on(org_b, member(org_b, "prevent_lead")).get("/exchange/").content.decode()

    assert "Type the first and last name, and a hyphenated name in full" in page
    assert "a check is found only if it has every name you type" in page


def test_the_issue_cases_are_found_from_the_page_and_part_of_a_double_barrelled_name_is_not(
    drafting, org_a, org_b, member, client_on
):
    # given Alderley shared checks whose names carry the problems of issue 9 §4
    drafting.active([org_a, org_b])
    stored = ("Prof. Zoë Müller-Okafor", "Renée Fair\u00adhallow", "علی رضاییان", "M\u0430rta Kowalewsky")
    services.check_share(actor=None, source=org_a, projection=FakeProjection(5, stored))
    client = client_on(org_b, member(org_b, "prevent_lead"))

    def results(query):
        response = client.post("/exchange/", {"name": query})
        assert response.status_code == 200
        return response.content.decode()

    # then each is found by its plain spelling, and shown as the source recorded it
    assert "Müller-Okafor" in results("Zoe Mueller-Okafor")
    assert "Fair\u00adhallow" in results("Renée Fairhallow")
    assert "علی رضاییان" in results("علي رضاييان")
    assert "M\u0430rta Kowalewsky" in results("Marta Kowalewsky")
    # and a search for part of the double-barrelled name finds nothing
    for query in ("Zoe Okafor", "Zoe Smith-Okafor"):
        assert "Müller-Okafor" not in results(query).replace(query, "")
