"""Reading the audit trail: an organisation's auditor at /audit/ (filters, pages, CSV), the
platform operator at /operator/audit/, the read-only API, and nobody editing or deleting events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection

from core.audit import audit_record
from core.dates import LONDON
from core.models import AuditEvent
from tenants import services as tenant_services
from tenants.models import Role


def _events(org, n, action="test.thing", **kw):
    return [
        audit_record(
            action=action,
            organisation_id=org.pk if org else None,
            target_type="test.thing",
            target_id=i,
            detail={"n": i},
            **kw,
        )  # fmt: skip
        for i in range(n)
    ]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def auditor_a(org_a, member):
    return member(org_a, Role.AUDITOR, email="ines.auditor@alderley.test")


def test_the_auditor_reads_only_their_own_organisations_events_newest_first(org_a, org_b, auditor_a, client_on):
    # given: three events of A, two of B, one of the platform (independent expectation: ids by organisation)
    ours = _events(org_a, 3, action="test.ours")
    theirs = _events(org_b, 2, action="test.theirs")
    platform = _events(None, 1, action="test.platform")
    expected = [e.pk for e in sorted(AuditEvent.objects.filter(organisation_id=org_a.pk), key=lambda e: -e.pk)]

    # when
    page = client_on(org_a, auditor_a).get("/audit/")
    api = client_on(org_a, auditor_a).get("/api/v1/audit/events/?page_size=200")

    # then
    text = _text(page)
    assert page.status_code == 200
    assert "<h1>Audit trail of Alderley University</h1>" in text
    assert "<caption>Every event: " in text and '<label for="id_action">Action</label>' in text
    assert '<option value="test.ours">' in text
    assert "test.ours" in text and "test.theirs" not in text and "test.platform" not in text
    assert "<td>n: 2</td>" in text and "When (UK time)" in text
    shown = [int(i) for i in re.findall(r"<td>(\d+)</td></tr>", text)]
    assert shown == expected[: len(shown)] and {e.pk for e in ours} <= set(shown)
    ids = [row["id"] for row in api.json()["results"]]
    assert ids == expected
    assert not {e.pk for e in theirs + platform} & set(ids)
    assert {row["action"] for row in api.json()["results"]} >= {"test.ours"}


def test_filters_narrow_the_page_and_say_so_when_nothing_matches(org_a, auditor_a, member, client_on):
    # given
    someone = member(org_a, Role.REVIEWER, email="farid.reviewer@alderley.test")
    audit_record(action="test.kept", actor=someone, organisation_id=org_a.pk, target_type="welfare.case", target_id=7)
    audit_record(action="test.kept", organisation_id=org_a.pk, target_type="welfare.case", target_id=8)
    audit_record(action="test.other", actor=someone, organisation_id=org_a.pk, target_type="welfare.case", target_id=7)
    client = client_on(org_a, auditor_a)
    today = dt.datetime.now(tz=LONDON).date()

    # when
    day = today.isoformat()
    hit = client.get("/audit/", {"action": "test.kept", "person": "FARID", "target_type": "welfare.case",
                                 "target_id": "7", "date_from": day, "date_to": day})  # fmt: skip
    api = client.get("/api/v1/audit/events/", {"action": "test.kept", "person": "farid"})
    miss = client.get("/audit/", {"date_to": (today - dt.timedelta(days=1)).isoformat(), "action": "test.kept"})
    bad = client.get("/audit/", {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=3)).isoformat()})
    bad_api = client.get("/api/v1/audit/events/", {"date_from": "yesterday"})

    # then
    text = _text(hit)
    assert "Events matching the filters: 1" in text and "farid.reviewer@alderley.test" in text
    assert [row["target_id"] for row in api.json()["results"]] == ["7"]
    assert "No event matches these filters." in _text(miss)
    assert bad.status_code == 400 and "The end date is before the start date." in _text(bad)
    assert bad_api.status_code == 400 and "date_from" in bad_api.content.decode()


def test_the_page_is_paged_50_at_a_time(org_a, auditor_a, client_on):
    _events(org_a, 55, action="test.bulk")
    client = client_on(org_a, auditor_a)

    first, second = client.get("/audit/?action=test.bulk"), client.get("/audit/?action=test.bulk&page=2")

    assert "Page 1 of 2 (1–50 of 55)" in _text(first) and "Next page" in _text(first)
    assert "Page 2 of 2 (51–55 of 55)" in _text(second)


def test_the_csv_export_is_the_filtered_set_formula_safe_and_is_itself_an_event(org_a, org_b, auditor_a, client_on):
    # given: an actor label that Excel would run as a formula
    audit_record(action="test.csv", actor="=HYPERLINK(\"http://evil.test\")", organisation_id=org_a.pk,
                 target_type="test.thing", target_id=1, detail={"n": 1})  # fmt: skip
    audit_record(action="test.csv", organisation_id=org_b.pk, target_type="test.thing", target_id=2)
    _events(org_a, 2, action="test.not_exported")

    # when
    response = client_on(org_a, auditor_a).get("/audit/export.csv?action=test.csv")

    # then
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = _rows(response)
    assert [(r["action"], r["target_id"]) for r in rows] == [("test.csv", "1")]
    assert rows[0]["actor"] == '\'=HYPERLINK("http://evil.test")'
    export = AuditEvent.objects.order_by("-id").first()
    assert (export.action, export.organisation_id, export.actor_id) == ("audit.export", org_a.pk, auditor_a.pk)
    assert export.detail == {"rows": 1, "filters": {"action": "test.csv"}}


@pytest.mark.parametrize("role", [r for r in Role.values if r not in (Role.AUDITOR, Role.DATA_PROTECTION_OFFICER)])
def test_other_roles_are_refused_the_trail_and_its_export(org_a, member, client_on, role):
    client = client_on(org_a, member(org_a, role))
    before = AuditEvent.objects.count()

    pages = [client.get(u) for u in ("/audit/", "/audit/export.csv", "/api/v1/audit/events/")]

    assert [p.status_code for p in pages] == [403, 403, 403]
    assert "audit:read" in pages[0].content.decode()
    assert AuditEvent.objects.count() == before


def test_the_data_protection_officer_reads_the_trail_too(org_a, member, client_on):
    audit_record(action="test.dpo", organisation_id=org_a.pk)
    page = client_on(org_a, member(org_a, Role.DATA_PROTECTION_OFFICER)).get("/audit/?action=test.dpo")
    assert "Events matching the filters: 1" in _text(page)


def test_an_auditor_of_b_sees_nothing_of_a_on_either_host(org_a, org_b, member, client_on):
    # given
    _events(org_a, 2, action="test.alderley_only")
    auditor_b = member(org_b, Role.AUDITOR)

    # when
    own = client_on(org_b, auditor_b).get("/audit/?action=test.alderley_only")
    api = client_on(org_b, auditor_b).get("/api/v1/audit/events/?action=test.alderley_only")
    export = client_on(org_b, auditor_b).get("/audit/export.csv")
    on_a = client_on(org_a, auditor_b).get("/audit/")

    # then: B's trail has none of A's events, and A's host answers as if nothing were there
    assert "No event matches these filters." in _text(own)
    assert api.json()["count"] == 0
    assert '<option value="test.alderley_only">' not in own.content.decode()  # not even among the actions offered
    assert all(r["action"] != "test.alderley_only" for r in _rows(export))
    assert {r["organisation_id"] for r in AuditEvent.objects.filter(action="test.alderley_only").values(
        "organisation_id")} == {org_a.pk}  # fmt: skip
    assert on_a.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_nobody_can_change_or_delete_events_through_the_audit_addresses(org_a, auditor_a, make_user, client_on, method):
    # given: events in both trails, an auditor and an operator
    _events(org_a, 2)
    _events(None, 2)
    before = list(AuditEvent.objects.order_by("id").values_list("id", "hash"))
    target = str(before[-1][0])
    auditor = client_on(org_a, auditor_a)
    operator = client_on(None, make_user(is_staff=True))
    body = {"action": "forged", "id": target}

    # when
    answers = [
        getattr(auditor, method)("/audit/", body),
        getattr(auditor, method)("/audit/export.csv", body),
        getattr(auditor, method)("/api/v1/audit/events/", body, content_type="application/json"),
        getattr(auditor, method)(f"/api/v1/audit/events/{target}/", body, content_type="application/json"),
        getattr(operator, method)("/operator/audit/", body),
        getattr(operator, method)("/operator/audit/export.csv", body),
    ]
    connection.set_schema_to_public()

    # then
    assert all(a.status_code in (403, 404, 405) for a in answers), [a.status_code for a in answers]
    assert list(AuditEvent.objects.order_by("id").values_list("id", "hash")) == before


def test_the_operators_admin_shows_events_but_cannot_edit_add_or_delete_them(org_a, client_on, make_user):
    operator = client_on(None, make_user(is_staff=True, is_superuser=True))
    _events(None, 1, action="test.platform_only")
    event = AuditEvent.objects.get(action="test.platform_only")

    assert operator.get("/admin/core/auditevent/").status_code == 200
    assert operator.post(f"/admin/core/auditevent/{event.pk}/change/", {"action": "edited"}).status_code == 403
    assert operator.get("/admin/core/auditevent/add/").status_code == 403
    assert operator.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "test.platform_only"


def test_the_operator_reads_platform_events_only_and_exports_them(org_a, make_user, client_on):
    # given
    operator = make_user(is_staff=True, email="grace.operator@platform.test")
    tenant_services.organisation_link  # noqa: B018 (platform events are written by services such as this)
    _events(None, 2, action="test.platform_only")
    _events(org_a, 1, action="test.org_only")
    client = client_on(None, operator)

    # when
    page = client.get("/operator/audit/")
    filtered = client.get("/operator/audit/?action=test.platform_only")
    export = client.get("/operator/audit/export.csv?action=test.platform_only")

    # then
    text = _text(page)
    assert "<h1>Platform audit trail</h1>" in text and "test.platform_only" in text
    assert "test.org_only" not in text
    assert "Events matching the filters: 2" in _text(filtered)
    assert [r["action"] for r in _rows(export)] == ["test.platform_only"] * 2
    last = AuditEvent.objects.order_by("-id").first()
    assert (last.action, last.organisation_id, last.actor_id) == ("audit.export", None, operator.pk)


def test_members_who_are_not_operators_cannot_read_the_platform_trail(org_a, member, client_on):
    person = member(org_a, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER)
    client = client_on(None, person)
    answers = [client.get("/operator/audit/"), client.get("/operator/audit/export.csv")]
    assert [a.status_code for a in answers] == [403, 403]
    assert client_on(None).get("/operator/audit/").status_code == 302  # anonymous: to sign in


def test_the_page_markup_has_unique_ids_and_labels_pointing_at_fields(org_a, auditor_a, client_on):
    html = client_on(org_a, auditor_a).get("/audit/?date_from=2026-02-02&date_to=2026-01-01").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for target in re.findall(r'<label[^>]*\sfor="([^"]*)"', html) + re.findall(r'aria-describedby="([^"]*)"', html):
        for one in target.split():
            assert one in ids
    assert "There is a problem" in html


def test_the_auditor_downloads_a_checkpoint_and_later_proves_a_deleted_event(org_a, auditor_a, client_on, tmp_path):
    """The journey the page describes: keep a checkpoint off the hub, later check the events against it."""
    from core import audit_offline
    from core.audit import audit_maintenance

    # given: a few events, and the auditor keeps today's checkpoint
    events = _events(org_a, 4, action="test.kept")
    client = client_on(org_a, auditor_a)
    page = _text(client.get("/audit/"))
    checkpoint = client.get("/audit/checkpoint.json")
    kept = tmp_path / "checkpoint.json"
    kept.write_bytes(checkpoint.content)

    # when: the events as they are now, then after someone deletes one the checkpoint covers
    def download() -> str:
        answer = client_on(org_a, auditor_a).get("/audit/events.jsonl")
        path = tmp_path / "events.jsonl"
        path.write_bytes(b"".join(answer.streaming_content))
        return str(path)

    intact = audit_offline.main(["--checkpoint", str(kept), download()])
    connection.set_schema_to_public()
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    tampered_file = download()

    # then
    assert "Prove later that this trail was not rewritten" in page
    assert checkpoint.status_code == 200 and "attachment" in checkpoint["Content-Disposition"]
    assert intact == 0
    assert audit_offline.main(["--checkpoint", str(kept), tampered_file]) == 1
    connection.set_schema_to_public()
    actions = list(AuditEvent.objects.filter(organisation_id=org_a.pk).values_list("action", flat=True))
    assert "audit.checkpoint_download" in actions and actions.count("audit.chain_export") == 2


def test_checkpoint_downloads_are_for_the_trails_readers_only(org_a, member, client_on, make_user):
    organiser = client_on(org_a, member(org_a, Role.ORGANISER))
    non_operator = client_on(None, member(org_a, Role.AUDITOR))
    answers = [
        organiser.get("/audit/checkpoint.json"),
        organiser.get("/audit/events.jsonl"),
        non_operator.get("/operator/audit/checkpoint.json"),
        non_operator.get("/operator/audit/events.jsonl"),
    ]
    operator = client_on(None, make_user(is_staff=True))
    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert operator.get("/operator/audit/checkpoint.json").json()["statement"]["chain"] == "platform"


def test_the_pages_offline_check_runs_as_printed_with_the_downloaded_checker(org_a, auditor_a, client_on, tmp_path):
    """The command the page prints runs as printed, outside the hub's source, on the files the
    downloads save, with the checker downloaded from the same page (reviews of issue 13)."""
    import shlex
    import subprocess
    import sys

    from core.audit import checkpoint_public_key

    # given
    _events(org_a, 3, action="test.kept")
    client = client_on(org_a, auditor_a)

    # when: the auditor saves the three downloads under the names the browser is given
    page = client.get("/audit/").content.decode()
    command = re.search(r"<pre><code>python (audit-verifier\.pyz [^<]*)</code></pre>", page)
    saved = {}
    for url in ("/audit/checkpoint.json", "/audit/events.jsonl", "/audit/audit-verifier.pyz"):
        answer = client_on(org_a, auditor_a).get(url)
        name = re.search(r'filename="([^"]+)"', answer["Content-Disposition"]).group(1)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        (tmp_path / name).write_bytes(body)
        saved[url] = name
    args = shlex.split(command.group(1)) if command else []
    run = subprocess.run([sys.executable, "-I", *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)

    # then
    assert command, "the page prints the offline check command"
    assert args[0] == saved["/audit/audit-verifier.pyz"]
    assert args[args.index("--checkpoint") + 1] == saved["/audit/checkpoint.json"]
    assert args[-1] == saved["/audit/events.jsonl"]
    assert args[args.index("--public-key") + 1] == checkpoint_public_key()["fingerprint"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the log is intact and extends every checkpoint" in run.stdout


def test_invalid_filters_show_no_events_and_no_csv_link(org_a, auditor_a, client_on):
    """An invalid filter is named, and the page does not pass off every event as 'matching' (review of issue 13)."""
    # given
    _events(org_a, 2, action="test.kept")

    # when
    answer = client_on(org_a, auditor_a).get("/audit/", {"action": "test.kept", "date_from": "2026-13-45"})

    # then
    text = _text(answer)
    assert answer.status_code == 400 and "Enter a valid date." in text
    assert "Events matching the filters: 0" in text and "Correct the filters above to see events." in text
    assert "export.csv" not in text
