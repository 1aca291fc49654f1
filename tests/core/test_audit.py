"""The audit trail: per-organisation chains, keyed seals, head records, signed checkpoints, append-only tables.

Each attack a tester tried (issue 13) is here, found through `manage.py audit_verify` and, with a
checkpoint the organisation kept, through the offline verifier (`python -m core.audit_offline`).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from core import audit, audit_offline, crypto, keys
from core.audit import (
    audit_checkpoint,
    audit_maintenance,
    audit_record,
    audit_record_many,
    audit_verify,
    checkpoint_export,
    checkpoint_public_key,
    events_export,
)
from core.audit_offline import event_hash
from core.models import AuditChain, AuditCheckpoint, AuditEvent

ROOT = Path(__file__).resolve().parents[2]
ORG = 990_001
OTHER = 990_002


def _record(count, organisation_id=ORG):
    return [
        audit_record(
            action="test.event", organisation_id=organisation_id, target_type="thing", target_id=n, detail={"n": n}
        )
        for n in range(count)
    ]


def _verify_command(*files):
    args = [arg for path in files for arg in ("--checkpoint", str(path))]
    try:
        call_command("audit_verify", *args, stdout=StringIO())
    except CommandError as exc:
        return str(exc)
    return "intact"


def _export(tmp_path, organisation_id=ORG, name="cp"):
    """The organisation downloads its checkpoint and log (as audit-reads' pages will offer them)."""
    checkpoint = tmp_path / f"{name}.json"
    checkpoint.write_text(json.dumps(checkpoint_export(organisation_id)))
    return checkpoint, _write_events(tmp_path, organisation_id)


def _write_events(tmp_path, organisation_id=ORG):
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events_export(organisation_id)))
    return path


def _offline(*args):
    out = StringIO()
    sys_stdout, sys.stdout = sys.stdout, out
    try:
        status = audit_offline.main([str(a) for a in args])
    finally:
        sys.stdout = sys_stdout
    return status, out.getvalue()


def _delete(*events):
    with audit_maintenance():
        AuditEvent.objects.filter(pk__in=[e.pk for e in events]).delete()


def _recompute_from(event_id, change):
    """The attacker's rewrite: change one event, then recompute every later hash with the project's own function."""
    with audit_maintenance():
        first = AuditEvent.objects.get(pk=event_id)
        chain = list(AuditEvent.objects.filter(chain=first.chain, seq__gte=first.seq).order_by("seq"))
        previous_hash = chain[0].previous_hash
        for n, event in enumerate(chain):
            if n == 0:
                change(event)
            event.previous_hash = previous_hash
            event.hash = previous_hash = event_hash(audit.event_fields(event))
            event.save()
        AuditChain.objects.filter(chain=first.chain).update(head_hash=previous_hash)


# --- recording ---------------------------------------------------------------------------------


def test_events_form_one_chain_per_organisation_with_links_naming_ids(db):
    a = _record(3)
    b = _record(2, OTHER)
    platform = audit_record(action="test.platform")

    assert [e.seq for e in a] == [1, 2, 3] and [e.seq for e in b] == [1, 2]
    assert a[0].chain == f"org-{ORG}" and platform.chain == "platform"
    assert [e.previous_id for e in a] == [None, a[0].pk, a[1].pk]
    assert [e.next_id for e in a[:2]] == [a[1].pk, a[2].pk]
    assert AuditChain.objects.get(chain=f"org-{ORG}").seq == 3
    assert audit_verify() == []
    assert audit_verify(AuditEvent.objects.order_by("id")) == []


def _audit_queries(ctx):
    # The audit key is read from core_wrappedsecret until a transaction commits (then cached); tests never commit.
    return [q["sql"] for q in ctx.captured_queries if "core_wrappedsecret" not in q["sql"]]


def test_record_many_mixes_chains_in_one_insert_and_keeps_the_given_order(db):
    _record(1), _record(1, OTHER), audit_record(action="test.platform")  # the chains exist
    with CaptureQueriesContext(connection) as ctx:
        events = audit_record_many(
            [
                {"action": "test.many", "organisation_id": org, "detail": {"i": i}}
                for i, org in enumerate([ORG, OTHER, None, ORG])
            ]
        )

    queries = _audit_queries(ctx)
    # The chains were created in transactions that never committed, so this process does not yet
    # know them: one create (a no-op here), one lock of the three heads, one write of everything.
    assert len(queries) == 3
    assert "FOR NO KEY UPDATE" in queries[1] and queries[2].count("INSERT") == 1 and "UPDATE" in queries[2]

    assert [e.detail["i"] for e in events] == [0, 1, 2, 3]
    assert events[3].previous_id == events[0].pk
    assert audit_verify() == []


def test_one_event_costs_one_insert_and_no_global_lock(db):
    _record(1)  # the chain exists
    with CaptureQueriesContext(connection) as ctx:
        audit_record(action="test.event", organisation_id=ORG)

    queries = _audit_queries(ctx)
    # (create the head if missing: only until this process has seen the chain committed), lock this
    # chain's head reserving the next id, then insert the event and move the head in one statement.
    assert len(queries) <= 3
    lock, write = queries[-2:]
    assert "FOR NO KEY UPDATE" in lock and "unnest" in lock
    assert write.startswith("WITH inserted AS (INSERT") and "UPDATE" in write
    assert " ".join(queries).count('INSERT INTO "public".core_auditevent') == 1
    assert "pg_advisory" not in " ".join(queries)


def test_a_known_chain_costs_two_statements_per_batch(committing_db):
    audit_record(action="test.setup", organisation_id=ORG)  # committed: the process now knows the chain
    audit_record(action="test.setup", organisation_id=OTHER)

    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        audit_record(action="test.event", organisation_id=ORG)
        audit_record_many([{"action": "test.many", "organisation_id": o} for o in (ORG, OTHER, ORG)])

    queries = _audit_queries(ctx)
    assert [("FOR NO KEY UPDATE" in q, q.startswith("WITH inserted")) for q in queries] == [
        (True, False),
        (False, True),
    ] * 2
    assert audit_verify() == []


# --- the attacks from the issue, through the command ------------------------------------------


@pytest.mark.parametrize("how_many", [1, 20])
def test_deleting_the_last_events_is_found_and_the_first_missing_is_named(db, how_many):
    events = _record(25)
    gone = events[-how_many:]

    _delete(*gone)

    result = _verify_command()
    assert f"event {gone[0].pk}: missing" in result
    assert f"the log ends at seq {25 - how_many}" in result


def test_deleting_every_event_is_found(db):
    events = _record(5)
    others = _record(3, OTHER)

    with audit_maintenance():
        AuditEvent.objects.all().delete()

    result = _verify_command()
    assert f"event {events[0].pk}: missing, and the 4 events after it: the log ends at seq 0" in result
    assert f"event {others[0].pk}: missing, and the 2 events after it: the log ends at seq 0" in result


def test_a_deleted_middle_event_is_named_by_its_own_id(db):
    first, middle, last = _record(3)

    _delete(middle)

    assert audit_verify() == [f"event {middle.pk}: missing (chain org-{ORG}, seq 2..2)"]


def test_an_edited_event_is_named(db):
    events = _record(3)

    with audit_maintenance():
        AuditEvent.objects.filter(pk=events[1].pk).update(detail={"n": 99})

    assert audit_verify() == [f"event {events[1].pk}: contents changed after it was recorded"]


def test_an_edit_with_every_later_hash_recomputed_is_found_by_the_seal_and_named(db):
    events = _record(30)

    _recompute_from(events[14].pk, lambda e: setattr(e, "detail", {"n": "rewritten"}))

    problems = audit_verify()
    assert problems[0] == (
        f"event {events[14].pk}: its seal does not match: it was changed or written without the audit key and its "
        f"hash recomputed (chain org-{ORG}; so do the 15 events after it)"
    )
    assert "Audit chain broken" in _verify_command()


def test_reordering_two_events_is_found(db):
    events = _record(4)
    one, two = events[1], events[2]

    with audit_maintenance():  # swap what the two rows say happened
        AuditEvent.objects.filter(pk=one.pk).update(action=two.action, detail=two.detail)
        AuditEvent.objects.filter(pk=two.pk).update(action=one.action, detail=one.detail)

    assert audit_verify() == [
        f"event {one.pk}: contents changed after it was recorded",
        f"event {two.pk}: contents changed after it was recorded",
    ]


def test_a_forged_head_record_is_found(db):
    _record(3)

    AuditChain.objects.filter(chain=f"org-{ORG}").update(seq=2)

    assert f"chain org-{ORG}: its head record was changed" in "\n".join(audit_verify())


def test_the_application_cannot_edit_or_delete_events_or_checkpoints(db):
    event = _record(1)[0]
    audit_checkpoint([event.chain])

    for attempt in (
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: AuditEvent.objects.filter(pk=event.pk).update(detail={}),
        lambda: AuditCheckpoint.objects.filter(chain=event.chain).delete(),
        lambda: AuditChain.objects.filter(chain=event.chain).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()


# --- checkpoints -----------------------------------------------------------------------------


def test_a_truncation_hidden_by_replaying_an_old_head_is_found_by_a_checkpoint_kept_off_the_server(db, tmp_path):
    # given: the organisation downloaded a checkpoint at seq 10
    events = _record(5)
    old_head = (
        AuditChain.objects.filter(chain=f"org-{ORG}").values("seq", "last_id", "next_id", "head_hash", "mac").get()
    )
    events += _record(5)
    checkpoint, _ = _export(tmp_path)

    # when: an attacker deletes the last 5 events, puts back the head as it was at seq 5, and deletes stored checkpoints
    _delete(*events[5:])
    with audit_maintenance():
        AuditChain.objects.filter(chain=f"org-{ORG}").update(**old_head)
        AuditCheckpoint.objects.all().delete()

    # then: the server's own records look whole, but the checkpoint the organisation kept names the first missing event
    assert _verify_command() == "intact"
    result = _verify_command(checkpoint)
    assert f"event {events[5].pk}: missing, and the 4 events after it: the log ends at seq 5" in result
    status, out = _offline("--checkpoint", checkpoint, _write_events(tmp_path))
    assert status == 1
    assert f"FAILED event {events[5].pk}: missing, and the 4 events after it: the log ends at seq 5" in out


def test_a_checkpoint_is_not_signed_over_a_broken_chain(db):
    events = _record(3)
    _delete(events[1])

    created, problems = audit_checkpoint([f"org-{ORG}"])

    assert created == []
    assert problems == [f"event {events[1].pk}: missing (chain org-{ORG}, seq 2..2)"]


def test_hourly_checkpoints_sign_only_chains_that_grew(db, settings):
    from core.tasks import audit_checkpoint_all

    _record(2)
    assert audit_checkpoint_all() >= 1
    assert audit_checkpoint_all() == 0
    _record(1)
    assert audit_checkpoint_all() == 1
    assert AuditCheckpoint.objects.filter(chain=f"org-{ORG}").order_by("-seq").first().seq == 3
    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoints"]["task"] == "core.audit_checkpoint_all"


def test_a_forged_checkpoint_is_refused_by_the_command_and_offline(db, tmp_path):
    _record(3)
    checkpoint, events = _export(tmp_path)
    export = json.loads(checkpoint.read_text())

    export["statement"]["seq"] = 2  # claim a shorter chain
    checkpoint.write_text(json.dumps(export))
    private, public = crypto.generate_signing_keypair()  # and a checkpoint signed by someone else's key
    other = dict(export["statement"], key_fingerprint=crypto.public_key_fingerprint(public))
    foreign = tmp_path / "foreign.json"
    foreign.write_text(
        json.dumps(
            {
                "statement": other,
                "signature": base64.b64encode(crypto.sign(private, audit_offline.checkpoint_message(other))).decode(),
                "public_key": base64.b64encode(public).decode(),
            }
        )
    )

    assert "checkpoint file 1: the signature is not valid" in _verify_command(checkpoint)
    assert "checkpoint file 1: signed by key" in _verify_command(foreign)
    status, out = _offline("--checkpoint", checkpoint, events)
    assert status == 1 and "FAILED checkpoint 1: the signature is not valid" in out
    fingerprint = checkpoint_public_key()["fingerprint"]
    status, out = _offline("--checkpoint", foreign, "--public-key", fingerprint, events)
    assert status == 1 and "not by the pinned platform key" in out


def test_another_organisations_checkpoint_does_not_vouch_for_this_log(db, tmp_path):
    _record(3)
    _record(3, OTHER)
    theirs, _ = _export(tmp_path, OTHER, name="theirs")
    events = _write_events(tmp_path, ORG)

    status, out = _offline("--checkpoint", theirs, events)

    assert status == 1
    assert f"belongs to chain org-{ORG}, not the checkpoint's chain org-{OTHER}" in out


# --- the offline verifier ----------------------------------------------------------------------


def test_the_offline_verifier_accepts_an_intact_log_without_django_or_a_database(db, tmp_path):
    _record(5)
    checkpoint, _ = _export(tmp_path)
    _record(2)  # the log has grown since the checkpoint was downloaded
    events = _write_events(tmp_path)
    script = (
        "import sys, runpy; sys.argv = ['audit_offline', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('core.audit_offline', run_name='__main__')\n"
        "finally:\n    assert 'django' not in sys.modules, 'imported django'\n"
    )
    key = checkpoint_public_key()["public_key"]

    result = subprocess.run(
        [sys.executable, "-c", script, "--checkpoint", str(checkpoint), "--public-key", key, str(events)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 events read" in result.stdout
    assert "the log is intact and extends every checkpoint" in result.stdout


@pytest.mark.parametrize(
    "attack", ["delete middle", "delete last", "delete last 20", "delete all", "edit", "reorder", "recompute"]
)
def test_the_offline_verifier_finds_each_attack_and_names_the_event(db, tmp_path, attack):
    events = _record(30)
    early = tmp_path / "early.json"
    early.write_text(json.dumps(checkpoint_export(ORG)))  # at seq 30
    target = events[14]

    if attack == "delete middle":
        _delete(target)
        expected = f"event {target.pk}: missing (chain org-{ORG}, seq 15..15)"
    elif attack == "delete last":
        _delete(events[-1])
        expected = f"event {events[-1].pk}: missing: the log ends at seq 29"
    elif attack == "delete last 20":
        _delete(*events[-20:])
        expected = f"event {events[10].pk}: missing, and the 19 events after it: the log ends at seq 10"
    elif attack == "delete all":
        _delete(*events)
        expected = f"event {events[0].pk}: missing, and the 29 events after it: the log ends at seq 0"
    elif attack == "edit":
        with audit_maintenance():
            AuditEvent.objects.filter(pk=target.pk).update(actor_label="someone else")
        expected = f"event {target.pk}: contents changed after it was recorded"
    elif attack == "reorder":
        with audit_maintenance():
            AuditEvent.objects.filter(pk=target.pk).update(seq=-1)
            AuditEvent.objects.filter(pk=events[15].pk).update(seq=15)
            AuditEvent.objects.filter(pk=target.pk).update(seq=16)
        expected = f"event {target.pk}: contents changed after it was recorded"
    else:
        _recompute_from(target.pk, lambda e: setattr(e, "target_id", "rewritten"))
        expected = f"event {events[0].pk}..event {events[-1].pk}: changed and the chain recomputed"

    status, out = _offline("--checkpoint", early, _write_events(tmp_path))

    assert status == 1
    assert f"FAILED {expected}" in out, out
    assert "Audit chain broken" in _verify_command()


def test_a_recomputed_run_is_narrowed_to_between_two_checkpoints(db, tmp_path):
    events = _record(10)
    first = tmp_path / "first.json"
    first.write_text(json.dumps(checkpoint_export(ORG)))
    events += _record(10)
    audit_checkpoint([f"org-{ORG}"])
    second = tmp_path / "second.json"
    second.write_text(json.dumps(checkpoint_export(ORG)))

    _recompute_from(events[14].pk, lambda e: setattr(e, "detail", {}))

    status, out = _offline("--checkpoint", first, "--checkpoint", second, _write_events(tmp_path))
    assert status == 1
    assert f"FAILED event {events[10].pk}..event {events[19].pk}: changed and the chain recomputed (seq 11..20)" in out


# --- keys, rotation, old data --------------------------------------------------------------------


def test_rotating_the_master_key_keeps_old_events_and_checkpoints_verifiable(db, monkeypatch):
    _record(3)
    audit_checkpoint([f"org-{ORG}"])
    key_before = checkpoint_public_key()
    keys.reset_cache()
    old = keys.load_master_key()
    new = crypto.new_data_key()

    monkeypatch.setenv("HUB_MASTER_KEY", base64.b64encode(new).decode())
    monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", base64.b64encode(old).decode())
    keys.reset_cache()
    call_command("master_key_rewrap", stdout=StringIO())
    monkeypatch.delenv("HUB_MASTER_KEY_PREVIOUS")
    keys.reset_cache()
    audit._secrets.clear()
    try:
        _record(1)
        assert audit_verify() == []
        assert checkpoint_public_key() == key_before
    finally:
        monkeypatch.undo()
        keys.reset_cache()
        audit._secrets.clear()


def test_events_recorded_before_chains_are_carried_over_and_verify(db):
    # given: only events written the old way (one global SHA-256 chain, no organisation chains)
    with audit_maintenance():
        AuditCheckpoint.objects.all().delete()
        AuditEvent.objects.all().delete()
        AuditChain.objects.all().delete()
    previous = ""
    for n, org in enumerate([ORG, None, OTHER, ORG, ORG]):
        event = AuditEvent(action="legacy.event", organisation_id=org, actor_label="system", detail={"n": n})
        fields = {
            "occurred_at": event.occurred_at.isoformat(),
            "actor_id": None,
            "actor_label": "system",
            "organisation_id": org,
            "action": "legacy.event",
            "target_type": "",
            "target_id": "",
            "detail": {"n": n},
        }
        body = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
        event.previous_hash, event.hash = previous, crypto.sha256_hex(f"{previous}|{body}".encode())
        event.save()
        previous = event.hash

    assert audit.carry_over_legacy(AuditEvent, AuditChain) == 5

    assert audit_verify() == []
    assert AuditChain.objects.get(chain=f"org-{ORG}").seq == 3
    summary = AuditEvent.objects.get(action="audit.chain_carried_over")
    assert summary.detail == {"events": 5, "legacy_breaks": []}
    created, problems = audit_checkpoint()
    assert problems == [] and len(created) == 3


def test_the_public_key_command_prints_the_key_and_fingerprint(db):
    out = StringIO()
    call_command("audit_public_key", stdout=out)

    key = checkpoint_public_key()
    assert key["public_key"] in out.getvalue() and key["fingerprint"] in out.getvalue()


# --- two organisations never wait for each other ---------------------------------------------


def test_writers_on_two_organisations_do_not_block_each_other(committing_db):
    # given: organisation A's chain is locked by an open transaction that has appended to it
    audit_record(action="test.setup", organisation_id=ORG)
    audit_record(action="test.setup", organisation_id=OTHER)
    outcome = {}

    def other_writer():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Fail instead of waiting: a lock held by A would make this raise, not slow down.
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
                audit_record(action="test.b", organisation_id=OTHER)
            outcome["b"] = "written"
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '300ms'")
                    audit_record(action="test.a_again", organisation_id=ORG)
                outcome["a"] = "written"
            except DatabaseError as exc:
                outcome["a"] = "lock timeout" if "lock timeout" in str(exc) else str(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        audit_record(action="test.a", organisation_id=ORG)
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(timeout=30)

    # then: B's writer appended while A's chain was locked; a second writer on A's chain had to wait (and gave up)
    assert outcome == {"b": "written", "a": "lock timeout"}
    assert audit_verify() == []


def test_the_operator_commands_sign_export_and_verify(db, tmp_path):
    _record(4)
    out = StringIO()

    call_command("audit_checkpoint", "--organisation", str(ORG), stdout=out)
    call_command(
        "audit_export",
        "--organisation",
        str(ORG),
        "--checkpoint",
        str(tmp_path / "cp.json"),
        "--events",
        str(tmp_path / "ev.jsonl"),
        stdout=out,
    )

    assert f"org-{ORG}: seq 4" in out.getvalue()
    assert "4 events" in out.getvalue()
    status, printed = _offline("--checkpoint", tmp_path / "cp.json", tmp_path / "ev.jsonl")
    assert status == 0, printed
    assert _verify_command(tmp_path / "cp.json") == "intact"
