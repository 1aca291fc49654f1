"""The exchange over HTTP: the search page and API, status codes, and what strangers learn (nothing)."""

import pytest
from django.test import Client

from sharing import services
from sharing.models import CheckOpened, DetailRequest, SharedCheck
from tenants import services as tenant_services
from tests.html_text import visible_text
from tests.sharing.conftest import FakeProjection


@pytest.fixture
def shared_check(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    (check,) = services.check_share(
        actor=None, source=org_a, projection=FakeProjection(3, ("Rabbi Ezra Halevi-Stone",))
    )
    return check, agreement


def test_a_prevent_lead_searches_the_page_and_sees_who_assessed_and_under_which_agreement(
    shared_check, org_b, member, client_on
):
    _, agreement = shared_check
    lead = member(org_b, "prevent_lead")

    response = client_on(org_b, lead).post("/exchange/", {"name": "ezra halevi stone"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alderley University" in page and "Approved with mitigations" in page
    assert f"Visible to you under agreement ISA-{agreement.pk} “{agreement.title}”" in visible_text(page)


def test_an_empty_search_on_the_page_is_a_400_with_the_field_named(org_b, member, client_on, world):
    response = client_on(org_b, member(org_b, "prevent_lead")).post("/exchange/", {"name": "x"})

    assert response.status_code == 400
    assert "two letters" in response.context["form"].errors["name"][0]


def test_a_role_that_does_not_search_gets_403(org_b, member, client_on, world):
    response = client_on(org_b, member(org_b, "auditor")).post("/exchange/", {"name": "Ezra Halevi"})

    assert response.status_code == 403


def test_the_api_search_returns_the_same_result_with_a_token(shared_check, org_b, member):
    lead = member(org_b, "reviewer")
    _, raw = tenant_services.api_token_create(actor=lead, organisation=org_b, name="script")
    api = Client(HTTP_HOST="brackenford.hub.localhost", HTTP_AUTHORIZATION=f"Bearer {raw}")

    found = api.post("/api/v1/exchange/search/", {"name": "Ezra Halevi-Stone"}, content_type="application/json")
    bad = api.post("/api/v1/exchange/search/", {"name": ""}, content_type="application/json")
    as_get = api.get("/api/v1/exchange/search/", {"name": "Ezra Halevi-Stone"})

    assert found.status_code == 200
    (result,) = found.json()["results"]
    assert (result["source_name"], result["level"], result["content"]["speaker_name"]) == (
        "Alderley University",
        "summary",
        "Rabbi Ezra Halevi-Stone",
    )
    assert bad.status_code == 400 and "name" in bad.json()["errors"]
    assert as_get.status_code == 405  # names never travel in URLs


def test_a_check_by_id_is_404_for_an_organisation_without_an_agreement_and_nothing_is_recorded(
    shared_check, partner, member, client_on
):
    check, _ = shared_check
    outsider = member(partner, "prevent_lead")

    page = client_on(partner, outsider).get(f"/exchange/checks/{check.pk}/")
    api = client_on(partner, outsider).get(f"/api/v1/exchange/checks/{check.pk}/")
    missing = client_on(partner, outsider).get("/exchange/checks/999999/")

    assert page.status_code == api.status_code == missing.status_code == 404
    assert CheckOpened.objects.count() == 0


def test_a_withdrawn_check_by_id_is_404_like_one_that_never_existed(shared_check, org_a, org_b, member, client_on):
    check, _ = shared_check
    client_on(org_a, member(org_a, "prevent_lead")).post(f"/exchange/shared/{check.pk}/withdraw/", {"reason": "error"})

    response = client_on(org_b, member(org_b, "prevent_lead")).get(f"/api/v1/exchange/checks/{check.pk}/")

    assert response.status_code == 404
    assert SharedCheck.objects.get(pk=check.pk).withdrawn_at is not None


def test_asking_for_detail_and_the_source_answering_over_the_api(shared_check, org_a, org_b, member, client_on):
    check, _ = shared_check
    asker, source_lead = member(org_b, "prevent_lead"), member(org_a, "prevent_lead")

    asked = client_on(org_b, asker).post(
        f"/api/v1/exchange/checks/{check.pk}/detail-requests/",
        {"reason": "Event next month"},
        content_type="application/json",
    )
    request_id = asked.json()["id"]
    refused = client_on(org_a, source_lead).post(
        f"/api/v1/exchange/detail-requests/{request_id}/decision/", {"approve": True}, content_type="application/json"
    )
    declined = client_on(org_a, source_lead).post(
        f"/api/v1/exchange/detail-requests/{request_id}/decision/",
        {"approve": False, "note": "Summary is enough"},
        content_type="application/json",
    )

    assert asked.status_code == 201
    assert refused.status_code == 400 and "full detail" in str(refused.json())
    assert declined.status_code == 200 and DetailRequest.objects.get().status == "declined"


def test_the_source_sees_the_opening_on_its_shared_check_page(shared_check, org_a, org_b, member, client_on):
    check, agreement = shared_check
    reader = member(org_b, "prevent_lead", full_name="Hafsa Lindqvist")
    client_on(org_b, reader).post("/exchange/", {"name": "Ezra Halevi-Stone"})

    page = client_on(org_a, member(org_a, "prevent_lead")).get(f"/exchange/shared/{check.pk}/").content.decode()
    openings = (
        client_on(org_a, member(org_a, "dpo")).get(f"/api/v1/exchange/shared/{check.pk}/openings/").json()["results"]
    )
    # Who read it is a right of its own: a reviewer reads the check but not its readers.
    not_for_reviewer = client_on(org_a, member(org_a, "reviewer")).get(f"/api/v1/exchange/shared/{check.pk}/openings/")
    reviewer_page = client_on(org_a, member(org_a, "reviewer")).get(f"/exchange/shared/{check.pk}/").content.decode()

    assert not_for_reviewer.status_code == 403
    assert "Hafsa Lindqvist" not in reviewer_page and "Who opened it is shown to" in reviewer_page
    assert "Hafsa Lindqvist" in page and "Brackenford University" in page
    assert [(o["organisation"], o["reader"], o["agreement"]) for o in openings] == [
        ("Brackenford University", "Hafsa Lindqvist", agreement.title)
    ]


def test_another_organisations_shared_check_page_is_404(shared_check, org_b, member, client_on):
    check, _ = shared_check

    response = client_on(org_b, member(org_b, "prevent_lead")).get(f"/exchange/shared/{check.pk}/")

    assert response.status_code == 404


def test_settings_change_to_ask_each_time_needs_the_role(org_a, member, client_on, world):
    refused = client_on(org_a, member(org_a, "reviewer")).post(
        "/exchange/settings/", {"share_mode": "ask_each_time", "automatic_level": 2}
    )
    saved = client_on(org_a, member(org_a, "prevent_lead")).post(
        "/exchange/settings/", {"share_mode": "ask_each_time", "automatic_level": 2}
    )

    assert refused.status_code == 403
    assert saved.status_code == 302
    assert services.settings_for(org_a).share_mode == "ask_each_time"
