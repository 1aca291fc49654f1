"""The training API: writes need training:manage, bad input is a 400 naming the field."""

from __future__ import annotations

import json
from datetime import timedelta

from django_tenants.utils import tenant_context

from core.dates import today
from tests.training.conftest import course, person, require
from training.models import Completion, Course, Source


def _json(client, method, path, body=None):
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


def test_a_course_person_and_completion_go_in_through_the_api_and_coverage_comes_out(t, client_on):
    api = client_on(t.org, t.lead)
    new = {"title": "Prevent awareness", "tier": "awareness", "kind": "induction", "refresher_months": 36}
    status, made = _json(api, "post", "/api/v1/training/courses/", new)
    assert status == 201 and made["refresher_months"] == 36 and made["requirements"] == []
    with tenant_context(t.org):
        require(Course.objects.get(pk=made["id"]))
    hired = {"staff_id": "NM1", "name": "Seo-yeon Park", "department": "Law", "role": "Academic"}
    status, someone = _json(api, "post", "/api/v1/training/people/", hired)
    assert status == 201
    record = {"person": someone["id"], "course": made["id"], "completed_on": today().isoformat()}
    status, done = _json(api, "post", "/api/v1/training/completions/", record)
    assert status == 201 and done["source"] == "api"
    status, cover = _json(api, "get", "/api/v1/training/coverage/")
    assert status == 200
    assert (cover["required"], cover["complete"], cover["percent"]) == (1, 1, 100.0)
    assert cover["by_department"] == [{"label": "Law", "people": 1, "required": 1, "complete": 1, "overdue": 0,
                                       "percent": 100.0}]  # fmt: skip
    with tenant_context(t.org):
        assert Completion.objects.get().source == Source.API


def test_bad_input_is_a_400_naming_each_field(t, client_on):
    with tenant_context(t.org):
        c, p = course("Prevent awareness"), person("NM1", "Kemal Yılmaz")
    api = client_on(t.org, t.lead)
    status, body = _json(api, "post", "/api/v1/training/courses/", {"title": "", "tier": "gold", "kind": "induction",
                                                                     "refresher_months": 0})  # fmt: skip
    assert status == 400 and {"title", "tier", "refresher_months"} <= set(body["errors"])
    status, body = _json(api, "post", "/api/v1/training/courses/", {"title": "prevent AWARENESS", "tier": "awareness",
                                                                     "kind": "briefing"})  # fmt: skip
    assert status == 400 and "exists already" in body["errors"]["title"][0]
    future = (today() + timedelta(days=1)).isoformat()
    status, body = _json(api, "post", "/api/v1/training/completions/",
                         {"person": p.pk, "course": c.pk, "completed_on": future})  # fmt: skip
    assert status == 400 and "in the future" in body["errors"]["completed_on"][0]
    status, body = _json(api, "post", "/api/v1/training/completions/",
                         {"person": p.pk + 999, "course": c.pk, "completed_on": today().isoformat()})  # fmt: skip
    assert status == 400 and list(body["errors"]) == ["person"]
    status, body = _json(api, "post", "/api/v1/training/import/",
                         {"csv": "Staff ID,Course,Completed\nNM1,Nope,01/02/2025\n"})  # fmt: skip
    assert status == 400 and body["errors"]["csv"][0].startswith("Row 2, Course: 'Nope' is not one of our courses")
    status, body = _json(api, "get", "/api/v1/training/coverage/?on=tomorrow")
    assert status == 400 and list(body["errors"]) == ["on"]
    with tenant_context(t.org):
        assert Completion.objects.count() == 0


def test_a_reader_may_read_but_not_write_and_nothing_is_written(t, client_on):
    api = client_on(t.org, t.officer)
    assert _json(api, "get", "/api/v1/training/courses/")[0] == 200
    status, _ = _json(api, "post", "/api/v1/training/courses/", {"title": "X", "tier": "awareness", "kind": "briefing"})
    assert status == 403
    assert _json(api, "post", "/api/v1/training/import/", {"csv": "Staff ID,Course,Completed\n"})[0] == 403
    with tenant_context(t.org):
        assert Course.objects.count() == 0
