"""What people see in the library: search, the empty state, writing up, drafts, editing and withdrawing."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from library.choices import PracticeStatus
from library.models import Practice
from tests.html_text import visible_text
from tests.library.conftest import network_member, write

FORM = {
    "title": "Students co-write the Prevent leaflet",
    "summary": "Student officers rewrote our Prevent leaflet in their own words.",
    "practice": "Two student union officers and the Prevent lead met three times.",
    "what_worked": "Students read it: the plain words and the welfare contacts up front.",
    "contact_role": "Students' union president",
    "themes": ["students"],
}


def test_an_empty_library_says_what_to_do_next(network, member, client_on, org_a):
    lead = network_member(member, network, org_a)
    reader = network_member(member, network, org_a, "organiser")

    to_lead = visible_text(client_on(network, lead).get("/library/"))
    to_reader = visible_text(client_on(network, reader).get("/library/"))

    assert "No one has published a write-up here yet. Write up a practice that works for you" in to_lead
    assert "People who publish for a member (a Prevent lead, say) can add the first." in to_reader
    assert "Write up a practice" not in to_reader


def test_a_member_writes_up_a_practice_and_another_member_finds_it_by_words_and_theme(
    network, org_a, org_b, member, client_on
):
    # given
    author = network_member(member, network, org_a)
    reader = network_member(member, network, org_b, "reviewer")

    # when: published from the form
    response = client_on(network, author).post("/library/new/", {**FORM, "publish": "1"}, follow=True)

    # then
    page = visible_text(response)
    assert "Published: it is now in the library." in page
    assert "Students co-write the Prevent leaflet" in page and "from Alderley University" in page
    assert "The Students' union president at Alderley University." in page
    assert f"({author.full_name})" not in page  # a role, not a person, unless they ask to be named
    found = visible_text(client_on(network, reader).get("/library/", {"q": "leaflets", "theme": "students"}))
    assert "1 write-up found for “leaflets” under Engagement with students" in found
    assert (
        "Students co-write the Prevent leaflet" in found and "Alderley University · Engagement with students" in found
    )
    nothing = visible_text(client_on(network, reader).get("/library/", {"q": "firewall"}))
    assert "0 write-ups found for “firewall”" in nothing and "Nothing published matches that search." in nothing


def test_a_draft_is_ours_to_see_and_publish_and_absent_for_another_member(network, org_a, org_b, member, client_on):
    author = network_member(member, network, org_a)
    other = network_member(member, network, org_b)
    client = client_on(network, author)

    saved = visible_text(client.post("/library/new/", {**FORM, "draft": "1"}, follow=True))
    with tenant_context(network):
        practice = Practice.objects.get()

    assert (
        "Saved as a draft." in saved and "Draft: only people who publish for Alderley University can see it." in saved
    )
    assert client_on(network, other).get(f"/library/{practice.pk}/").status_code == 404
    assert "Students co-write" not in visible_text(client_on(network, other).get("/library/"))
    assert "Students co-write" in visible_text(client.get("/library/ours/"))

    published = visible_text(client.post(f"/library/{practice.pk}/publish/", follow=True))
    assert "Published: it is now in the library." in published
    assert "Students co-write" in visible_text(client_on(network, other).get("/library/"))


def test_bad_input_on_the_form_is_shown_beside_the_field_and_nothing_is_saved(network, org_a, member, client_on):
    author = network_member(member, network, org_a)
    bad = {**FORM, "title": "\u200b\u00a0", "themes": [], "contact_role": "amina@alderley.example", "publish": "1"}

    response = client_on(network, author).post("/library/new/", bad)

    page = visible_text(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Give the write-up a title" in page
    assert "Choose at least one theme." in page
    assert "not a personal email address" in page
    with tenant_context(network):
        assert not Practice.objects.exists()


def test_editing_and_withdrawing_our_write_up(network, org_a, member, client_on):
    author = network_member(member, network, org_a)
    practice = write(author, network)
    client = client_on(network, author)

    edited = visible_text(
        client.post(f"/library/{practice.pk}/edit/", {**FORM, "title": "Renamed practice"}, follow=True)
    )
    withdrawn = visible_text(client.post(f"/library/{practice.pk}/withdraw/", follow=True))

    assert "Changes saved." in edited and "Renamed practice" in edited
    assert "Withdrawn: it no longer appears in the library." in withdrawn and "Publish again" in withdrawn
    assert "Renamed practice" not in visible_text(client.get("/library/"))
    with tenant_context(network):
        assert Practice.objects.get().status == PracticeStatus.WITHDRAWN


def test_another_members_publisher_cannot_edit_or_withdraw_it(network, org_a, org_b, member, client_on):
    practice = write(network_member(member, network, org_a), network)
    other = client_on(network, network_member(member, network, org_b))

    assert other.get(f"/library/{practice.pk}/edit/").status_code == 404
    assert other.post(f"/library/{practice.pk}/withdraw/").status_code == 404
    page = visible_text(other.get(f"/library/{practice.pk}/"))
    assert "Manage this write-up" not in page and "Welfare officers in every school" in page


def test_a_member_organisation_is_pointed_to_its_networks_libraries(org_a, member, client_on):
    page = visible_text(client_on(org_a, member(org_a, "prevent_lead")).get("/library/"))
    assert "libraries of our networks and groups: Northern HE Network" in page
