"""The organisation API: token scoped to one organisation, members only, an OpenAPI schema."""

import pytest
from django.test import Client

from tenants import services
from tenants.models import ApiToken


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def ada_token(org_a, member):
    ada = member(org_a, "prevent_lead", full_name="Ada Lindqvist-Obi")
    _, raw = services.api_token_create(actor=ada, organisation=org_a, name="reporting script")
    return ada, raw


def test_a_token_reads_its_own_organisation_links_and_members(org_a, partner, network, ada_token):
    ada, raw = ada_token
    api = Client(HTTP_HOST="alderley.hub.localhost")

    organisation = api.get("/api/v1/organisation/", **_bearer(raw)).json()
    links = api.get("/api/v1/organisation/links/", **_bearer(raw)).json()["results"]
    members = api.get("/api/v1/organisation/members/", **_bearer(raw)).json()["results"]

    assert organisation == {**organisation, "slug": "alderley", "kind": "provider", "host": "alderley.hub.localhost"}
    assert {(link["kind"], link["direction"], link["organisation"]["slug"]) for link in links} == {
        ("validates", "outgoing", "alderley-college"),
        ("member_of", "outgoing", "northern-network"),
    }
    assert {"full_name": "Ada Lindqvist-Obi", "email": ada.email, "roles": ["prevent_lead"]} in members


def test_a_token_for_a_used_on_bs_host_is_refused_with_a_message_saying_why(org_b, ada_token):
    _, raw = ada_token
    used_before = ApiToken.objects.get().last_used_at

    response = Client(HTTP_HOST="brackenford.hub.localhost").get("/api/v1/organisation/", **_bearer(raw))

    assert response.status_code == 401
    assert "belongs to another organisation" in response.json()["detail"]
    assert ApiToken.objects.get().last_used_at == used_before


def test_an_unknown_or_revoked_token_is_refused(org_a, ada_token):
    ada, raw = ada_token
    api = Client(HTTP_HOST="alderley.hub.localhost")
    assert api.get("/api/v1/organisation/", **_bearer("phub_made-up")).status_code == 401

    services.api_token_revoke(actor=ada, token=ApiToken.objects.get())

    response = api.get("/api/v1/organisation/", **_bearer(raw))
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_no_credentials_get_401_with_how_to_authenticate(org_a):
    response = Client(HTTP_HOST="alderley.hub.localhost").get("/api/v1/organisation/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Bearer" in response.json()["detail"]


def test_a_signed_in_non_member_gets_404_from_the_api(org_b, member, client_on, ada_token):
    ada, _ = ada_token

    response = client_on(org_b, ada).get("/api/v1/organisation/members/")

    assert response.status_code == 404


def test_only_the_hash_of_a_token_is_stored(ada_token):
    _, raw = ada_token

    stored = ApiToken.objects.get()

    assert raw not in (stored.key_hash, stored.prefix)
    assert raw.startswith(stored.prefix)


def test_the_openapi_schema_describes_the_organisation_endpoints(db, world):
    response = Client(HTTP_HOST="hub.localhost").get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert "/api/v1/organisation/members/" in response.content.decode()


def test_a_member_creates_a_token_on_the_page_and_sees_it_once(org_a, member, client_on):
    ada = member(org_a, "reviewer")
    client = client_on(org_a, ada)

    created = client.post("/api-tokens/", {"name": "termly report"})
    listing = client.get("/api-tokens/")

    raw = created.context["new_token"]
    assert created.status_code == 200 and raw.startswith("phub_")
    assert raw not in listing.content.decode()
    assert Client(HTTP_HOST="alderley.hub.localhost").get("/api/v1/organisation/", **_bearer(raw)).status_code == 200


def test_a_token_without_a_name_is_refused_with_the_field_named(org_a, member, client_on):
    ada = member(org_a, "reviewer")

    response = client_on(org_a, ada).post("/api-tokens/", {"name": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()
