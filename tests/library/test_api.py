"""The library's API: list and search, read, write up, edit, publish, withdraw; errors name the field."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import tenant_context

from core.models import AuditEvent
from library.models import Practice
from tests.library.conftest import network_member, write

BODY = {
    "title": "Acceptable IT use, in plain words",
    "summary": "Our acceptable-use policy names the duty and says what happens on a breach.",
    "practice": "IT services, the Prevent lead and the students' union rewrote it together.",
    "what_worked": "Fewer questions to the service desk; academics trust the research route.",
    "contact_role": "Head of IT security",
    "themes": ["it"],
}


def test_write_up_publish_find_and_read_through_the_api(network, org_a, org_b, member, client_on):
    author = client_on(network, network_member(member, network, org_a))
    reader = client_on(network, network_member(member, network, org_b, "auditor"))

    created = author.post("/api/v1/library/practices/", BODY, content_type="application/json")
    assert created.status_code == 201, created.json()
    pid = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["organisation"]["name"] == "Alderley University"
    assert reader.get(f"/api/v1/library/practices/{pid}/").status_code == 404
    assert reader.get("/api/v1/library/practices/", {"q": "policy"}).json()["count"] == 0

    published = author.post(f"/api/v1/library/practices/{pid}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"

    found = reader.get("/api/v1/library/practices/", {"q": "policies", "theme": "it"}).json()
    assert [r["id"] for r in found["results"]] == [pid]
    assert found["results"][0]["contact"] == "The Head of IT security at Alderley University"
    assert reader.get("/api/v1/library/practices/", {"theme": "welfare"}).json()["count"] == 0


def test_errors_name_the_field(network, org_a, member, client_on):
    author = client_on(network, network_member(member, network, org_a))

    bad = author.post(
        "/api/v1/library/practices/",
        {**BODY, "title": "\u200b", "themes": ["it", "horoscopes"], "summary": 7},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"summary"}  # type check first, in the parser
    bad = author.post(
        "/api/v1/library/practices/", {**BODY, "title": "\u200b", "themes": ["it", "horoscopes"]},
        content_type="application/json",
    )  # fmt: skip
    errors = bad.json()["errors"]
    assert bad.status_code == 400 and set(errors) == {"title", "themes"}
    assert "Unknown theme 'horoscopes'" in errors["themes"][0]
    huge = author.post(
        "/api/v1/library/practices/", {**BODY, "practice": "x" * 20_000}, content_type="application/json"
    )
    assert huge.status_code == 400 and "practice" in huge.json()["errors"]
    query = author.get("/api/v1/library/practices/", {"theme": "astrology"})
    assert query.status_code == 400 and "theme" in query.json()["errors"]
    with tenant_context(network):
        assert not Practice.objects.exists()


def test_edit_changes_only_what_is_sent_and_another_member_gets_404(network, org_a, org_b, member, client_on):
    practice = write(network_member(member, network, org_a), network)
    author = client_on(network, network_member(member, network, org_a))
    other = client_on(network, network_member(member, network, org_b))
    connection.set_schema_to_public()
    before = AuditEvent.objects.count()

    refused = other.post(f"/api/v1/library/practices/{practice.pk}/", {"title": "Mine now"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 404 and AuditEvent.objects.count() == before

    changed = author.post(f"/api/v1/library/practices/{practice.pk}/", {"title": "Officers in each school"},
                           content_type="application/json")  # fmt: skip
    assert changed.status_code == 200
    assert changed.json()["title"] == "Officers in each school" and changed.json()["themes"] == ["welfare"]

    withdrawn = author.post(f"/api/v1/library/practices/{practice.pk}/withdraw/")
    assert withdrawn.json()["status"] == "withdrawn"
    again = author.post(f"/api/v1/library/practices/{practice.pk}/withdraw/")
    assert again.status_code == 400 and "status" in again.json()["errors"]
    mine = author.get("/api/v1/library/practices/", {"mine": "true"}).json()
    assert [r["status"] for r in mine["results"]] == ["withdrawn"]
