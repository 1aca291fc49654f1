"""Backup and restore, round trip: pg_dump the test database, pg_restore into a fresh one, and use it.

Committed data (organisations, an agreement signed by both, shared speaker checks both ways,
a welfare case, their audit events) is dumped with `hub_backup`, restored with `hub_restore` into
a new database, and then opened by separate hub processes: with the same master key, checks open
through the exchange's own services, agreements verify offline, the audit chain verifies and every
schema is there; with another key, the hub refuses to start and says why.
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from core.keyring import master_key_verify
from core.keys import load_master_key
from hub.backup import BackupError, backup_restore, backup_write, manifest_path
from sharing import selectors
from sharing.services import check_share
from tenants.models import Organisation
from tenants.services import membership_grant
from tests.agreements.conftest import Drafting
from tests.factories import UserFactory
from tests.ops.helpers import ROOT, hub_env, manage, tenant_rows_added_removed, throwaway_database
from tests.sharing.conftest import FakeProjection
from tests.welfare.conftest import open_case

SPEAKERS_OF_A = ("Ottoline Vasquez-Amadi", "Bartholomew Nakagawa-Reyes")
SPEAKER_OF_B = "Ife Lindqvist-Okonkwo"


def test_these_committing_tests_run_against_a_test_database(db):
    # Asking for `db` makes pytest-django create the test database even when only this file runs.
    assert connection.settings_dict["NAME"].startswith("test_")


def _person(organisation, *roles):
    user = UserFactory()
    membership_grant(actor=None, organisation=organisation, user=user, roles=roles)
    return user


@pytest.fixture
def two_organisations(committing_db, world):
    """The session's two providers, with whatever this test commits in them removed afterwards."""
    pair = [Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)]
    with tenant_rows_added_removed(*(o.schema_name for o in pair)):
        yield pair


def _sharing_data(org_a: Organisation, org_b: Organisation) -> dict:
    agreement = Drafting(_person).active([org_a, org_b])
    check_share(actor=None, source=org_a, projection=FakeProjection(9001, SPEAKERS_OF_A))
    check_share(actor=None, source=org_b, projection=FakeProjection(9002, (SPEAKER_OF_B,)))
    case = open_case(org_a, _person(org_a, "safeguarding_officer"), raiser=_person(org_a, "organiser"))
    master_key_verify()  # as a started hub would have: the key-check row exists before the backup
    seen_by_b = {view.check_id: view.content for name in SPEAKERS_OF_A for view in _search(org_b, name)}
    seen_by_a = {view.check_id: view.content for view in _search(org_a, SPEAKER_OF_B)}
    assert len(seen_by_b) == 2 and len(seen_by_a) == 1
    return {"agreement": agreement, "case": case, "seen_by_b": seen_by_b, "seen_by_a": seen_by_a}


class _Laps:
    """Seconds between successive `lap` calls, printed with `-s` (for the README's restore timings)."""

    def __init__(self) -> None:
        self.last, self.laps = time.perf_counter(), {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name], self.last = now - self.last, now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.laps.items())


def _search(organisation, name):
    return selectors.speaker_check_search(organisation=organisation, user=None, name=name)


OPEN_AS = """
import json
from django.db import connection
from sharing import selectors
from tenants.models import Organisation
out = {}
for slug, names in json.loads(%r).items():
    org = Organisation.objects.get(slug=slug)
    found = [v for n in names for v in selectors.speaker_check_search(organisation=org, user=None, name=n)]
    out[slug] = {str(v.check_id): v.content for v in found if not v.error}
    for v in found:
        assert not v.error, v.error
        assert selectors.check_open(organisation=org, user=None, check_id=v.check_id).content == v.content
with connection.cursor() as cursor:
    cursor.execute("SELECT nspname FROM pg_namespace")
    schemas = sorted(row[0] for row in cursor.fetchall())
print(json.dumps({"opened": out, "schemas": schemas}, sort_keys=True))
"""


def test_a_dump_restored_into_a_fresh_database_opens_verifies_and_refuses_another_key(two_organisations, tmp_path):
    # given: committed sharing data in two organisations, and the master key the database was set up with
    org_a, org_b = two_organisations
    clock = _Laps()
    data = _sharing_data(org_a, org_b)
    clock.lap("data")
    key = base64.urlsafe_b64encode(load_master_key()).decode()
    schemas = set(Organisation.objects.values_list("schema_name", flat=True))

    # when: backed up with pg_dump and restored with pg_restore into another, new database
    dump = tmp_path / "hub.dump"
    manifest = backup_write(dump)
    clock.lap("hub_backup")
    assert {o["schema"] for o in manifest["organisations"]} == schemas
    assert manifest["master_key_ids"] and key not in manifest_path(dump).read_text()
    assert key.encode() not in dump.read_bytes()  # the key is never in the dump
    with throwaway_database("restore") as restored_url:
        env = hub_env(restored_url, key)
        clock.lap("createdb")
        restore = manage(env, "hub_restore", str(dump))
        clock.lap("hub_restore")
        assert restore.returncode == 0, restore.stderr

        # then: the restore check passes against the manifest (schemas, row counts, audit head, agreements, checks)
        check = manage(env, "hub_restore_check", "--manifest", str(manifest_path(dump)), "--json")
        clock.lap("hub_restore_check")
        assert check.returncode == 0, check.stderr + check.stdout
        report = json.loads(check.stdout)
        assert report["problems"] == []
        assert report["organisations"] == len(schemas)
        assert report["agreement_versions_verified"] >= 1 and report["signatures_verified"] >= 2
        assert report["checks_opened"] >= 3 and report["checks_opened_by_recipients"] >= 3
        assert report["welfare_cases"] >= 1

        # and the audit chain verifies with the project's own command
        audit = manage(env, "audit_verify")
        clock.lap("audit_verify")
        assert audit.returncode == 0 and "intact" in audit.stdout, audit.stderr

        # and the agreement exported from the restored database verifies with the offline verifier (no Django)
        export = tmp_path / "agreement.json"
        exported = manage(env, "agreement_export", str(data["agreement"].pk), str(export))
        assert exported.returncode == 0, exported.stderr
        offline = subprocess.run(
            [sys.executable, "-m", "agreements.verify", str(export)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        clock.lap("agreement_export + offline verify")
        assert offline.returncode == 0 and "all signatures valid" in offline.stdout, offline.stdout
        assert json.loads(export.read_text())["document"]["agreement"] == data["agreement"].pk

        # and shared checks open (searched by name through the blind index, decrypted under the policy) as before
        wanted = {org_b.slug: list(SPEAKERS_OF_A), org_a.slug: [SPEAKER_OF_B]}
        opened = manage(env, "shell", "-c", OPEN_AS % json.dumps(wanted))
        clock.lap("open checks")
        assert opened.returncode == 0, opened.stderr
        found = json.loads(opened.stdout.strip().splitlines()[-1])
        contents = found["opened"]
        assert contents[org_b.slug] == {str(k): v for k, v in data["seen_by_b"].items()}
        assert contents[org_a.slug] == {str(k): v for k, v in data["seen_by_a"].items()}

        # and every organisation's schema is in the restored database
        assert schemas <= set(found["schemas"])

        # negative: another master key is refused at start-up, naming HUB_MASTER_KEY, before anything is shown
        other = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        wrong = hub_env(restored_url, other)
        refused = manage(wrong, "hub_restore_check")
        assert refused.returncode == 1
        assert "HUB_MASTER_KEY does not match this database" in refused.stderr
        assert refused.stdout == ""
        served = subprocess.run(
            [sys.executable, "-c", "import hub.asgi"], cwd=ROOT, env=wrong, capture_output=True, text=True, check=False
        )
        clock.lap("wrong key refused")
        assert served.returncode != 0 and "Refusing to start" in served.stderr and "HUB_MASTER_KEY" in served.stderr
        assert other not in refused.stderr + served.stderr
    clock.lap("dropdb")
    print(f"\nbackup/restore timings: {clock}")  # noqa: T201


def test_a_restore_refuses_a_changed_dump_and_a_database_that_is_not_empty(db, tmp_path):
    # given: a dump file that does not match its manifest's SHA-256, and one that does
    dump = tmp_path / "hub.dump"
    dump.write_bytes(b"PGDMP not really")
    manifest_path(dump).write_text(
        json.dumps({"format": "partnership-hub/backup-manifest/v1", "dump_sha256": "0" * 64}), encoding="utf-8"
    )

    # when / then: the changed dump is refused before the database is touched
    with pytest.raises(BackupError, match="SHA-256 differs"):
        backup_restore(dump)

    # and a database that already holds tables (this test database) is never restored over
    manifest_path(dump).unlink()
    with pytest.raises(BackupError, match="is not empty"):
        backup_restore(dump)


def test_the_backup_commands_need_no_master_key_and_the_check_does():
    from hub.startup import KEY_COMMANDS, KEYLESS_COMMANDS

    assert {"hub_backup", "hub_restore"} <= KEYLESS_COMMANDS.keys()
    assert "hub_restore_check" in KEY_COMMANDS


def test_the_postgres_tools_are_found_for_this_server(db):
    from hub.backup import _server_major, postgres_tool

    major = _server_major()
    for name in ("pg_dump", "pg_restore"):
        assert Path(postgres_tool(name, major)).is_file()
