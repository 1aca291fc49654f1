"""The notification centre's API: my list, mark read, mark all, preferences; errors name the field."""

from __future__ import annotations

from django_tenants.utils import schema_context

from notifications import services
from notifications.kinds import Delivery, Kind


def test_list_newest_first_paginated_and_filtered_to_unread(org_a, member, client_on, notify_n):
    lead = member(org_a, "prevent_lead")
    stored = notify_n(org_a, 3)
    api = client_on(org_a, lead)
    first = next(n for n in stored if n.recipient_id == lead.pk and n.text == "Agreement 1 was suspended")
    assert api.post(f"/api/v1/notifications/{first.pk}/read/").json() == {"marked": 1, "unread": 2}

    everything = api.get("/api/v1/notifications/", {"page_size": 2}).json()
    unread = api.get("/api/v1/notifications/", {"unread": "true"}).json()

    assert everything["count"] == 3 and everything["next"]
    assert [r["text"] for r in everything["results"]] == ["Agreement 3 was suspended", "Agreement 2 was suspended"]
    assert everything["results"][0]["unread"] is True and everything["results"][0]["url"] == "/agreements/3/"
    assert [r["text"] for r in unread["results"]] == ["Agreement 3 was suspended", "Agreement 2 was suspended"]


def test_mark_all_read_and_another_persons_id_is_ignored(org_a, member, client_on, notify_n):
    lead, other = member(org_a, "prevent_lead"), member(org_a, "prevent_lead")
    stored = notify_n(org_a, 2)
    others = next(n for n in stored if n.recipient_id == other.pk)
    api = client_on(org_a, lead)

    assert api.post(f"/api/v1/notifications/{others.pk}/read/").json() == {"marked": 0, "unread": 2}
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2, "unread": 0}
    assert client_on(org_a, other).get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 2


def test_preferences_read_and_change_and_bad_values_name_the_kind(org_a, member, client_on):
    lead = member(org_a, "prevent_lead")
    api = client_on(org_a, lead)

    got = api.get("/api/v1/notifications/preferences/").json()
    assert got[Kind.CHECK_MATCH] == Delivery.EMAIL and set(got) == set(Kind.values)

    changed = api.post("/api/v1/notifications/preferences/", {"check_match": "digest"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["check_match"] == "digest"
    with schema_context(org_a.schema_name):
        assert services.preferences_of(lead)[Kind.CHECK_MATCH] == Delivery.DIGEST

    bad = api.post("/api/v1/notifications/preferences/", {"papers_out": "pigeon"}, content_type="application/json")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["papers_out"]
    unknown = api.post("/api/v1/notifications/preferences/", {"horoscope": "hub"}, content_type="application/json")
    assert unknown.status_code == 400 and list(unknown.json()["errors"]) == ["horoscope"]
    not_an_object = api.post("/api/v1/notifications/preferences/", ["hub"], content_type="application/json")
    assert not_an_object.status_code == 400
    with schema_context(org_a.schema_name):
        assert services.preferences_of(lead)[Kind.PAPERS_OUT] == Delivery.DIGEST


def test_bad_list_parameters_are_400s_naming_them(org_a, member, client_on):
    api = client_on(org_a, member(org_a, "reviewer"))

    assert list(api.get("/api/v1/notifications/", {"unread": "maybe"}).json()["errors"]) == ["unread"]
    assert list(api.get("/api/v1/notifications/", {"page": "0"}).json()["errors"]) == ["page"]


def test_a_stranger_gets_404(org_a, org_b, member, client_on):
    assert client_on(org_a, member(org_b, "prevent_lead")).get("/api/v1/notifications/").status_code == 404
