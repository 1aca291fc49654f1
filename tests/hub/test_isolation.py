"""Isolation at the HTTP layer: a member of A reads nothing of B, on any page or endpoint, and writes nothing."""

import pytest
from django.urls import get_resolver

from core.models import AuditEvent
from tenants.models import ApiToken, Invitation, Membership

# Every page and endpoint on an organisation's host that a member could reach with GET.
TENANT_GET_PATHS = [
    "/",
    "/people/",
    "/api-tokens/",
    "/api/v1/organisation/",
    "/api/v1/organisation/links/",
    "/api/v1/organisation/members/",
]


def _state():
    return (
        Membership.objects.count(),
        Invitation.objects.count(),
        ApiToken.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("path", TENANT_GET_PATHS)
def test_a_member_of_a_gets_not_found_on_every_page_of_b(org_a, org_b, member, client_on, path):
    # given: Ada is a member (and admin) of A only; Ben is a member of B
    ada = member(org_a, "prevent_lead", "org_admin")
    ben = member(org_b, "prevent_lead", full_name="Benedikt Oyelaran-Voss")

    # when
    response = client_on(org_b, ada).get(path)

    # then: B looks like it does not exist to her, and nothing of B leaks into the answer
    assert response.status_code == 404
    assert ben.full_name not in response.content.decode()
    assert org_b.name not in response.content.decode()


def test_the_same_pages_answer_for_a_member_so_the_404s_above_mean_something(org_a, member, client_on):
    ada = member(org_a, "prevent_lead", "org_admin")

    statuses = {path: client_on(org_a, ada).get(path).status_code for path in TENANT_GET_PATHS}

    assert set(statuses.values()) == {200}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/people/", {"email": "intruder@test.example", "roles": ["org_admin"]}),
        ("/api-tokens/", {"name": "exfiltration"}),
    ],
)
def test_a_member_of_a_cannot_write_to_b_and_nothing_is_stored(org_a, org_b, member, client_on, path, data):
    ada = member(org_a, "prevent_lead", "org_admin")
    before = _state()

    response = client_on(org_b, ada).post(path, data)

    assert response.status_code == 404
    assert _state() == before


def test_changing_roles_in_b_from_a_membership_is_not_found_and_changes_nothing(org_a, org_b, member, client_on):
    ada = member(org_a, "org_admin")
    ben = member(org_b, "reviewer")
    target = Membership.objects.get(user=ben, organisation=org_b)

    response = client_on(org_b, ada).post(f"/people/{target.pk}/roles/", {"roles": ["org_admin"]})

    assert response.status_code == 404
    target.refresh_from_db()
    assert target.roles == ["reviewer"]


def test_a_membership_id_from_b_cannot_be_edited_through_a(org_a, org_b, member, client_on):
    ada = member(org_a, "org_admin")
    ben = member(org_b, "reviewer")
    target = Membership.objects.get(user=ben, organisation=org_b)

    response = client_on(org_a, ada).post(f"/people/{target.pk}/roles/", {"roles": ["org_admin"]})

    assert response.status_code == 404
    target.refresh_from_db()
    assert target.roles == ["reviewer"]


def test_an_anonymous_visitor_is_sent_to_sign_in_on_the_public_site(org_a, client_on):
    response = client_on(org_a).get("/people/")

    assert response.status_code == 302
    assert response["Location"].startswith("http://hub.localhost/login/?next=")
    assert "alderley.hub.localhost" in response["Location"]


def test_an_unknown_organisation_host_sends_anonymous_people_to_sign_in_like_a_real_one(db, world):
    from django.test import Client

    response = Client(HTTP_HOST="nowhere.hub.localhost").get("/")

    # The same answer as an existing organisation's host gives: nothing says whether it exists.
    assert response.status_code == 302
    assert response["Location"].startswith("http://hub.localhost/login/?next=")


def test_a_host_that_is_no_organisation_address_gets_a_plain_not_found_page(db, world):
    from django.test import Client

    response = Client(HTTP_HOST="a.b.hub.localhost").get("/")

    assert response.status_code == 404
    assert b"There is nothing here, or you do not have access to it" in response.content
    assert b"Traceback" not in response.content


def test_bare_localhost_redirects_to_the_public_site(db, world):
    from django.test import Client

    response = Client(HTTP_HOST="localhost:8000").get("/people/?x=1")

    assert response.status_code == 302
    assert response["Location"] == "http://hub.localhost:8000/people/?x=1"


def test_every_tenant_url_is_covered_by_the_isolation_tests_or_needs_a_parameter():
    # A new page that forgets to join TENANT_GET_PATHS would escape the tests above. (Regular
    # expressions are catch-alls, such as the API's own 404 for unknown addresses under /api/.)
    simple = {
        "/" + str(p.pattern)
        for p in get_resolver("hub.urls_tenant").url_patterns
        if "<" not in str(p.pattern) and not str(p.pattern).startswith("^") and not hasattr(p, "url_patterns")
    }
    assert simple - {"/logout/", "/password/", "/password/done/", "/api/schema/"} <= set(TENANT_GET_PATHS)
