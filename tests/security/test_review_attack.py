"""Holes found by the review attack on issue 13 (trust), each kept as a regression test."""

from __future__ import annotations

import pytest
from django.test import override_settings

from hub.hosts import is_hub_url


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example/",  # browsers read a backslash as a slash: //evil.example/
        "/\t/evil.example/",  # browsers drop tabs and newlines: //evil.example/
        "\\\\evil.example/",
        "https://evil.example\\@hub.localhost/",  # urlsplit sees hub.localhost; browsers go to evil.example
        "https://evil.example\\.hub.localhost/",
        " //evil.example/",
    ],
)
@override_settings(HUB_BASE_DOMAIN="hub.localhost")
def test_next_addresses_that_browsers_read_as_another_site_are_refused(target: str) -> None:
    assert not is_hub_url(target)


@override_settings(HUB_BASE_DOMAIN="hub.localhost")
def test_hub_addresses_are_still_accepted() -> None:
    assert is_hub_url("/cases/?q=a")
    assert is_hub_url("https://alderley.hub.localhost/cases/")
    assert is_hub_url("http://hub.localhost:8000/")


# --- the offline audit verifier reads its files strictly --------------------------------------

ORG = 990_011


def _offline(tmp_path, checkpoint_text, events_text):
    import io
    import sys

    from core import audit_offline

    (tmp_path / "cp.json").write_text(checkpoint_text)
    (tmp_path / "events.jsonl").write_text(events_text)
    out = io.StringIO()
    sys_stdout, sys.stdout = sys.stdout, out
    try:
        status = audit_offline.main(["--checkpoint", str(tmp_path / "cp.json"), str(tmp_path / "events.jsonl")])
    finally:
        sys.stdout = sys_stdout
    return status, out.getvalue()


def _log(count=3):
    import json

    from core.audit import audit_record, checkpoint_export, events_export

    for n in range(count):
        audit_record(action="test.event", organisation_id=ORG, target_type="thing", target_id=n, detail={"n": n})
    return json.dumps(checkpoint_export(ORG)), [json.dumps(e) for e in events_export(ORG)]


def test_offline_verifier_refuses_an_event_line_with_a_duplicated_key(db, tmp_path):
    # A reader of the file sees the first "action"; json.loads keeps (and the hash covers) the last.
    checkpoint, lines = _log()
    lines[1] = lines[1].replace('"action": "test.event"', '"action": "case.read_nothing", "action": "test.event"')
    status, out = _offline(tmp_path, checkpoint, "\n".join(lines) + "\n")
    assert status == 1
    assert "duplicate" in out and "action" in out


def test_offline_verifier_refuses_a_checkpoint_with_a_duplicated_key(db, tmp_path):
    checkpoint, lines = _log()
    checkpoint = checkpoint.replace('"statement": {', '"statement": {"seq": 0, ', 1)
    status, out = _offline(tmp_path, checkpoint, "\n".join(lines) + "\n")
    assert status == 1
    assert "duplicate" in out


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_offline_verifier_reports_nan_as_a_failure_not_a_crash(db, tmp_path, constant):
    checkpoint, lines = _log()
    lines[2] = lines[2].replace('"detail": {"n": 2}', f'"detail": {{"n": {constant}}}')
    status, out = _offline(tmp_path, checkpoint, "\n".join(lines) + "\n")
    assert status == 1
    assert "FAILED" in out


def test_offline_verifier_reports_wrong_types_as_failures_not_crashes(db, tmp_path):
    import json

    checkpoint, lines = _log()
    event = json.loads(lines[1])
    event["detail"] = {"1": 2}
    event["previous_hash"] = 5
    lines[1] = json.dumps(event)
    status, out = _offline(tmp_path, checkpoint, "\n".join(lines) + "\n")
    assert status == 1
    assert "FAILED" in out


# --- lockout: one IPv6 connection is one address -------------------------------------------------


def test_ipv6_attempts_are_counted_per_64_network():
    from django.test import RequestFactory

    from tenants import lockout

    def ip(remote):
        return lockout.client_ip(RequestFactory().get("/", REMOTE_ADDR=remote))

    assert ip("2001:db8:1:2::1") == ip("2001:db8:1:2:ffff:ffff:ffff:fffe") == "2001:db8:1:2::"
    assert ip("2001:db8:1:3::1") != ip("2001:db8:1:2::1")
    assert ip("198.51.100.7") == "198.51.100.7"
    assert ip("::ffff:198.51.100.7") == "198.51.100.7"


def test_wrong_passwords_from_many_ipv6_addresses_of_one_network_lock_out(db, world, org_a, member):
    from django.test import Client

    from tenants.models import Role
    from tests.conftest import PASSWORD

    organiser = member(org_a, Role.ORGANISER)
    statuses = [
        Client(HTTP_HOST="hub.localhost", REMOTE_ADDR=f"2001:db8:7:7::{n + 1:x}")
        .post("/login/", {"username": organiser.email, "password": f"guess-{n}"})
        .status_code
        for n in range(8)
    ]
    right = Client(HTTP_HOST="hub.localhost", REMOTE_ADDR="2001:db8:7:7::99").post(
        "/login/", {"username": organiser.email, "password": PASSWORD}
    )

    assert set(statuses[5:]) == {429}
    assert right.status_code == 429


# --- audit: a wipe of everything the database holds is caught by the checkpoint kept off the server --


def test_wiping_events_heads_and_checkpoints_is_caught_by_a_kept_checkpoint(db, tmp_path):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from core.audit import audit_maintenance, audit_record, checkpoint_export
    from core.models import AuditChain, AuditCheckpoint, AuditEvent

    first = audit_record(action="test.event", organisation_id=ORG, target_type="thing", target_id=1)
    audit_record(action="test.event", organisation_id=ORG, target_type="thing", target_id=2)
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps(checkpoint_export(ORG)))

    with audit_maintenance():  # any database user can set the maintenance flag the trigger honours
        AuditEvent.objects.all().delete()
        AuditCheckpoint.objects.all().delete()
        AuditChain.objects.all().delete()

    call_command("audit_verify")  # the limit: with nothing kept off the server, nothing is left to compare
    with pytest.raises(CommandError) as caught:
        call_command("audit_verify", "--checkpoint", str(kept))
    assert f"chain org-{ORG}: its head record is missing" in str(caught.value)
    assert f"event {first.pk}: missing, and the 1 events after it" in str(caught.value)
