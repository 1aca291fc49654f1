"""Issue 9 §2: every input is validated at the edge (400 naming the field and the limit, never 500,
nothing written), and every API error has one shape: `{"detail": str, "errors": {field: [str]}}`."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import tenant_context
from drf_spectacular.generators import SchemaGenerator

from core.models import AuditEvent
from speakers.models import EventRequest, RiskFactor, Speaker
from tenants import services as tenant_services
from tenants.models import Organisation, User
from tests.agreements.conftest import counts as agreement_counts
from tests.agreements.conftest import terms_for
from tests.conftest import host_of
from tests.speakers.conftest import in_days

TEN_KB = "x" * 10_240
SUBMISSION = {
    "title": "Water, land and law", "starts_at": in_days(40).isoformat(), "venue": "Hall B",
    "format": "hybrid", "expected_audience": 120, "organising_body": "Law Society",
    "speakers": [{"name": "Dr Anaya Okonkwo-Reyes", "affiliation": "Riverside Trust", "topic": "Water rights"}],
}  # fmt: skip


@pytest.fixture
def api(db: None) -> Callable[[Organisation, User], Client]:
    """`api(org, user)`: a client on `org`'s host sending a real bearer token of `user` for `org`."""

    def make(organisation: Organisation, user: User) -> Client:
        _, raw = tenant_services.api_token_create(actor=user, organisation=organisation, name="fuzz")
        return Client(HTTP_HOST=host_of(organisation), HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def assert_error_shape(body: object) -> None:
    assert isinstance(body, dict) and set(body) == {"detail", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], dict), body
    for field, messages in body["errors"].items():
        assert isinstance(field, str) and isinstance(messages, list), body
        assert messages and all(isinstance(m, str) and m for m in messages), body


def _speaker_rows(organisation: Organisation) -> tuple[int, int, int, int]:
    with tenant_context(organisation):
        return (
            EventRequest.objects.count(),
            Speaker.objects.count(),
            RiskFactor.objects.count(),
            AuditEvent.objects.count(),
        )


# --- the failing cases named in the issue, each 500 before -----------------------------------------


@pytest.mark.parametrize("parameter", ["q", "status"])
def test_a_nul_byte_in_a_request_list_query_parameter_is_400_naming_the_parameter(parameter, a, org_a, api):
    response = api(org_a, a.reviewer).get("/api/v1/speakers/requests/", {parameter: "Hall\x00B"})

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert list(response.json()["errors"]) == [parameter]
    assert "cannot be stored" in response.json()["errors"][parameter][0]


@pytest.mark.parametrize("field", ["title", "venue", "organising_body"])
def test_a_10_kb_event_text_field_is_400_naming_the_field_and_its_limit_and_nothing_is_stored(field, a, org_a, api):
    client = api(org_a, a.organiser)
    before = _speaker_rows(org_a)

    response = client.post("/api/v1/speakers/requests/", {**SUBMISSION, field: TEN_KB}, content_type="application/json")

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert "200 characters" in response.json()["errors"][field][0]
    assert f"{field}: " in response.json()["detail"]
    assert _speaker_rows(org_a) == before


def test_an_expected_audience_past_the_integer_column_is_400_naming_the_limit_and_nothing_is_stored(a, org_a, api):
    client = api(org_a, a.organiser)
    before = _speaker_rows(org_a)

    response = client.post(
        "/api/v1/speakers/requests/", {**SUBMISSION, "expected_audience": 2147483648}, content_type="application/json"
    )

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert "1000000" in response.json()["errors"]["expected_audience"][0]
    assert _speaker_rows(org_a) == before


def test_a_10_kb_assessment_factor_is_400_naming_the_factor_and_its_limit_and_nothing_is_stored(a, org_a, api):
    created = api(org_a, a.organiser).post("/api/v1/speakers/requests/", SUBMISSION, content_type="application/json")
    assert created.status_code == 201, created.json()
    reviewer = api(org_a, a.reviewer)
    before = _speaker_rows(org_a)
    factor = {"factor": TEN_KB, "evidence": "A public talk recording.", "source": "University website"}

    response = reviewer.post(
        f"/api/v1/speakers/requests/{created.json()['id']}/assess/",
        {"risk_level": "low", "free_speech_considerations": "Lawful debate.", "factors": [factor]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert "300 characters" in response.json()["errors"]["factors.0.factor"][0]
    assert _speaker_rows(org_a) == before
    with tenant_context(org_a):
        assert EventRequest.objects.get().status == "submitted"


def test_agreement_terms_with_a_number_for_purposes_is_400_naming_terms_purposes_and_nothing_is_stored(
    drafting,
    org_a,
    org_b,
    api,
):
    client = api(org_a, drafting.lead(org_a))
    terms = {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in terms_for("franchise", [org_a, org_b]).items()}
    before = agreement_counts()

    response = client.post(
        "/api/v1/agreements/",
        {"parties": [org_a.slug, org_b.slug], "terms": {**terms, "purposes": 5}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert_error_shape(response.json())
    assert list(response.json()["errors"]) == ["terms.purposes"]
    assert "list" in response.json()["errors"]["terms.purposes"][0]
    assert agreement_counts() == before


# --- the same kinds of failure, unlisted cases ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"terms": {"title": "Data\x00sharing"}}, "terms.title"),
        ({"terms": {"flows": [{"kind": "speaker_check", "senders": [{"a": 1}], "recipients": ["b"]}]}}, "terms.flows"),
        ({"terms": {"purposes": ["speaker_checks", {"x": 1}]}}, "terms.purposes.1"),
        ({"terms": {"title": TEN_KB}}, "terms.title"),
        ({"terms": {"retention_days": 2**40}}, "terms.retention_days"),
        ({"terms": "everything"}, "terms"),
        ({"parties": "alderley"}, "parties"),
        ({"template": TEN_KB}, "template"),
    ],
)
def test_malformed_agreement_input_is_400_naming_the_field_and_nothing_is_stored(
    body,
    field,
    drafting,
    org_a,
    org_b,
    api,
):
    client = api(org_a, drafting.lead(org_a))
    terms = {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in terms_for("franchise", [org_a, org_b]).items()}
    payload = {"parties": [org_a.slug, org_b.slug], "terms": terms, **body}
    if isinstance(body.get("terms"), dict):
        payload["terms"] = {**terms, **body["terms"]}
    before = agreement_counts()

    response = client.post("/api/v1/agreements/", payload, content_type="application/json")

    assert response.status_code == 400, response.content
    assert_error_shape(response.json())
    assert any(name == field or name.startswith(f"{field}.") for name in response.json()["errors"]), response.json()
    assert agreement_counts() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "a\x00b"}, "description"),
        ({"speakers": [{"name": "Ikaika\x00Kahale"}]}, "speakers.0.name"),
        ({"speakers": [{"name": "Tomasz Wiśniewski", "topic": TEN_KB}]}, "speakers.0.topic"),
        ({"title": "\ud800 unpaired"}, "title"),
        ({"expected_audience": -1}, "expected_audience"),
        ({"format": TEN_KB}, "format"),
        ({"speakers": [{"name": f"Speaker {n}"} for n in range(51)]}, "speakers"),
    ],
)
def test_malformed_event_requests_are_400_naming_the_field_and_nothing_is_stored(body, field, a, org_a, api):
    client = api(org_a, a.organiser)
    before = _speaker_rows(org_a)

    response = client.post("/api/v1/speakers/requests/", {**SUBMISSION, **body}, content_type="application/json")

    assert response.status_code == 400, response.content
    assert_error_shape(response.json())
    assert field in response.json()["errors"], response.json()
    assert _speaker_rows(org_a) == before


@pytest.mark.parametrize(("page", "status"), [("0", 400), ("two", 400), ("-1", 400), ("99", 404), ("last", 200)])
def test_a_bad_page_number_is_400_naming_page_and_a_page_past_the_end_is_404(page, status, a, org_a, api):
    response = api(org_a, a.reviewer).get("/api/v1/speakers/requests/", {"page": page})

    assert response.status_code == status
    if status == 400:
        assert_error_shape(response.json())
        assert list(response.json()["errors"]) == ["page"]


def test_lists_are_paged_and_the_page_size_is_capped(a, org_a, api):
    client = api(org_a, a.organiser)
    for n in range(3):
        assert client.post("/api/v1/speakers/requests/", {**SUBMISSION, "title": f"Talk {n}"},
                           content_type="application/json").status_code == 201  # fmt: skip

    first = client.get("/api/v1/speakers/requests/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    capped = client.get("/api/v1/speakers/requests/", {"page_size": 10_000}).json()

    assert (first["count"], len(first["results"]), len(second["results"]), second["next"]) == (3, 2, 1, None)
    assert len(capped["results"]) == 3


def test_a_nul_in_a_page_query_or_form_field_gets_a_400_page_naming_the_field(a, org_a, client_on):
    page = client_on(org_a, a.reviewer)

    listed = page.get("/speakers/", {"q": "a\x00b"})
    posted = page.post("/exchange/search/", {"name": "Ola\x00Nordmann"})

    assert listed.status_code == 400 and "<strong>q</strong>" in listed.content.decode()
    assert posted.status_code == 400 and "<strong>name</strong>" in posted.content.decode()
    assert "cannot be stored" in posted.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/agreements/9.5e-273/", "/api/v1/speakers/-1/"])
def test_an_address_under_api_that_no_endpoint_serves_is_a_404_in_the_error_shape(path, a, org_a, api):
    response = api(org_a, a.reviewer).get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert_error_shape(response.json())
    assert response.json()["errors"] == {}


# --- one shape for every operation's errors, generated from the schema -----------------------------


def _operations() -> list[tuple[str, str, dict]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method.upper(), operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


OPERATIONS = _operations()


def _missing_ids(path: str) -> str:
    # Every path parameter is an integer id (`<int:...>` in every URLconf): one that exists nowhere.
    return re.sub(r"\{\w+\}", "987654321", path)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_every_operations_errors_have_the_one_documented_shape(path, method, operation, a, org_a, org_b, api):
    member = api(org_a, a.prevent_lead)
    token = member.defaults["HTTP_AUTHORIZATION"]
    url = _missing_ids(path)
    if method == "GET":
        send = {"data": {"page": "0", "from": "x", "to": "y", "status": "no-such-status"}}
    else:
        send = {"data": "[1]", "content_type": "application/json"}
    call = {"GET": Client.get, "POST": Client.post}[method]
    attempts = {
        "anonymous": call(Client(HTTP_HOST=host_of(org_a)), url, **send),
        "another organisation's token": call(Client(HTTP_HOST=host_of(org_b), HTTP_AUTHORIZATION=token), url, **send),
        "missing or bad input": call(member, url, **send),
        "wrong method": member.put(url, "{}", content_type="application/json"),
    }
    if method == "POST":
        attempts["not JSON"] = member.post(url, "a=b", content_type="application/x-www-form-urlencoded")

    for attempt, response in attempts.items():
        assert response.status_code < 500, (attempt, response.status_code)
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/json", (attempt, response["Content-Type"])
            assert_error_shape(response.json())
            assert str(response.status_code) in operation["responses"], (attempt, response.status_code)
    assert attempts["anonymous"].status_code == 401
    assert attempts["another organisation's token"].status_code == 401
    assert attempts["wrong method"].status_code == 405


def test_the_openapi_schema_builds_with_no_warnings_and_validates(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning (an operation described wrongly) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "organisationToken" in (tmp_path / "schema.yaml").read_text()


def test_the_schema_documents_the_error_shape_for_every_operation():
    for path, method, operation in OPERATIONS:
        for code in ("400", "401", "403", "404"):
            content = operation["responses"][code]["content"]["application/json"]["schema"]
            assert content == {"$ref": "#/components/schemas/Error"}, (method, path, code)
