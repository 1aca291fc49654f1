"""An organisation's schema in tens of milliseconds: replay the SQL of a real migration, then prove it.

`migrate_schemas` for a new schema costs 1–2 s, almost all of it Django building migration
states, not PostgreSQL running DDL. So, once per process and per migration graph:

1. a scratch schema is migrated for real (`migrate_schemas --schema`) while every statement
   Django sends is recorded; the scratch schema's catalog (tables, columns, types, defaults,
   indexes, constraints, sequences) is read as the *reference*; then all of it is rolled back.
   No template schema is kept and no template data exists to be copied;
2. the recorded statements become one SQL script (savepoints, reads and `search_path` changes
   dropped; the `django_migrations` rows become one insert stamped `now()`).

Each new schema then runs `CREATE SCHEMA` and the script in two round trips, and is checked
before it is kept (DESIGN.md's pitfall: a stale template silently marks migrations applied):

* its `django_migrations` holds every migration of the graph loaded in this process, and
* its catalog equals the reference's, object for object.

The script is keyed by the migration graph (every node, the leaves included, and the tenant
and shared app lists) and rebuilt when the key changes. If the check fails, the replay is
rolled back, the script forgotten, and the schema migrated for real (`method == "migrate"`);
after two such failures in a row the process stops replaying and always migrates.
Set HUB_PROVISION_REPLAY = False to always migrate.

Replayed statements include a data migration's writes with the values recorded in the scratch
schema (today only speakers 0002's delete of an empty table); the check compares structure and
migration rows, not data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import get_public_schema_name

logger = logging.getLogger(__name__)

# Statements recorded during the reference migration that must not be replayed: transaction
# control (the replay runs in the caller's transaction), reads, and session settings.
_SKIP = re.compile(r"^\s*(SAVEPOINT|RELEASE\s+SAVEPOINT|ROLLBACK|COMMIT|BEGIN|SET\s+search_path|SHOW)\b", re.I)
_READ = re.compile(r"^\s*(SELECT|WITH)\b", re.I)
_MIGRATION_ROW = re.compile(r'^\s*INSERT\s+INTO\s+"django_migrations"', re.I)
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ProvisioningError(Exception):
    """A schema could not be provisioned, or a provisioned schema does not match the graph."""


@dataclass(frozen=True)
class Script:
    """The replayable SQL for a new schema, and what it must produce.

    `sql` runs with the new schema first on the search_path; `migrations` are the
    (app, name) rows it records; `reference` is the catalog of a schema migrated for real
    (see `schema_catalog`); `key` is the migration graph it was made from.
    """

    key: str
    sql: str
    migrations: frozenset[tuple[str, str]]
    reference: frozenset[tuple[str, ...]]
    statements: int


@dataclass(frozen=True)
class Provisioned:
    """How a schema was made: `method` is "replay" or "migrate"; `seconds` the wall time."""

    schema_name: str
    method: str
    seconds: float


_lock = threading.Lock()
_cache: dict[str, Script] = {}
# Replays that failed their check in a row; past _MAX_FAILURES the process stops replaying
# (each failure also records the script again, which costs a real migration).
_failures = {"in_a_row": 0}
_MAX_FAILURES = 2
_graph_cache: dict[str, tuple[str, frozenset[tuple[str, str]]]] = {}


def _graph() -> tuple[str, frozenset[tuple[str, str]]]:
    """(key, every migration node) of the migration graph on disk, loaded once per process."""
    cached = _graph_cache.get("graph")
    if cached is not None:
        return cached
    loader = MigrationLoader(None, ignore_no_migrations=True)
    nodes = frozenset(loader.graph.nodes)
    leaves = sorted(loader.graph.leaf_nodes())
    digest = hashlib.sha256()
    for part in (sorted(nodes), leaves, list(settings.TENANT_APPS), list(settings.SHARED_APPS)):
        digest.update(repr(part).encode())
    cached = (digest.hexdigest()[:16], nodes)
    _graph_cache["graph"] = cached
    return cached


def migration_graph_key() -> str:
    """A short hex key of the migration graph (nodes, leaves, app lists); changes with any migration."""
    return _graph()[0]


def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every (app, name) a fully migrated organisation schema records in its `django_migrations`.

    django-tenants records every app's migrations in each schema (the router turns the
    shared apps' operations into no-ops there), so this is the whole graph.
    """
    return _graph()[1]


def forget() -> None:
    """Drop the cached script and graph; the next provisioning rebuilds both."""
    with _lock:
        _cache.clear()
        _graph_cache.clear()


def _check_schema_name(schema_name: str) -> None:
    if not _SCHEMA_NAME.match(schema_name) or schema_name == get_public_schema_name():
        raise ProvisioningError("A schema name is 1–63 lower-case letters, digits and underscores, not public.")


def _quoted(schema_name: str) -> str:
    _check_schema_name(schema_name)
    return '"' + schema_name + '"'


def script() -> Script:
    """The script for the migration graph loaded in this process, recorded on first use.

    Recording migrates a scratch schema for real (about as long as one `migrate_schemas`)
    inside a savepoint that is then rolled back. Must run in the public schema.
    """
    key = migration_graph_key()
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        made = _record(key)
        _cache.clear()
        _cache[key] = made
        return made


class _Discard(Exception):
    pass


def _record(key: str) -> Script:
    scratch = f"provision_ref_{os.getpid()}_{key[:8]}"
    recorded: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        recorded.append(("--many--", None) if many else (sql, params))
        return execute(sql, params, many, context)

    result: dict[str, object] = {}
    try:
        with transaction.atomic():
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {_quoted(scratch)}")
            with connection.execute_wrapper(capture):
                call_command("migrate_schemas", tenant=True, schema_name=scratch, interactive=False, verbosity=0)
            connection.set_schema_to_public()
            result["reference"] = schema_catalog(scratch)
            result["migrations"] = recorded_migrations(scratch)
            raise _Discard
    except _Discard:
        pass
    finally:
        connection.set_schema_to_public()
    sql, rows, count = _script_sql(recorded)
    if frozenset(rows) != result["migrations"]:
        raise ProvisioningError("The recorded migration rows differ from the scratch schema's; cannot replay.")
    return Script(
        key=key,
        sql=sql,
        migrations=frozenset(rows),
        reference=result["reference"],  # type: ignore[arg-type]
        statements=count,
    )


def _script_sql(recorded: Sequence[tuple[str, object]]) -> tuple[str, list[tuple[str, str]], int]:
    """(one SQL string, the django_migrations rows, the number of statements) from a recording."""
    parts: list[str] = []
    rows: list[tuple[str, str]] = []
    for sql, params in recorded:
        text = str(sql).strip().rstrip(";")
        if sql == "--many--":
            raise ProvisioningError("A migration ran executemany; its statements cannot be replayed.")
        if _SKIP.match(text):
            continue
        if _READ.match(text) and "setval(" not in text.lower():
            continue
        if _MIGRATION_ROW.match(text):
            app, name = params[0], params[1]  # type: ignore[index]
            rows.append((str(app), str(name)))
            continue
        if params:
            text = connection.ops.compose_sql(text, params)
        parts.append(text)
    if rows:
        values = ", ".join("(" + connection.ops.compose_sql("%s, %s", [app, name]) + ", now())" for app, name in rows)
        insert = 'INSERT INTO "django_migrations" ("app", "name", "applied") VALUES '
        parts.append(insert + values)  # values composed by the driver's quoting
    return ";\n".join(parts) + ";", rows, len(parts)


# One catalog query: every object in a schema as a tuple of text, the schema's own name
# replaced by "<schema>" so two schemas made the same way compare equal.
_CATALOG_SQL = """
WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(schema)s),
rel AS (SELECT c.oid, c.relname, c.relkind, c.relpersistence FROM pg_class c JOIN ns ON c.relnamespace = ns.oid)
SELECT 'relation', relname, relkind::text, relpersistence::text, '', '', '' FROM rel
UNION ALL
SELECT 'column', r.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
       coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text || a.attgenerated::text || a.attnum::text
  FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'index', r.relname, i.relname, pg_get_indexdef(x.indexrelid), x.indisunique::text, x.indisprimary::text, ''
  FROM rel r JOIN pg_index x ON x.indrelid = r.oid JOIN pg_class i ON i.oid = x.indexrelid
UNION ALL
SELECT 'constraint', r.relname, k.conname, k.contype::text, pg_get_constraintdef(k.oid),
       k.condeferrable::text || k.condeferred::text, k.convalidated::text
  FROM rel r JOIN pg_constraint k ON k.conrelid = r.oid
UNION ALL
SELECT 'sequence', r.relname, format_type(s.seqtypid, NULL), s.seqstart::text || '/' || s.seqincrement::text,
       s.seqmin::text || '/' || s.seqmax::text, s.seqcycle::text, ''
  FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
UNION ALL
SELECT 'trigger', r.relname, t.tgname, pg_get_triggerdef(t.oid), '', '', ''
  FROM rel r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
UNION ALL
SELECT 'function', p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc), '', '', ''
  FROM pg_proc p JOIN ns ON p.pronamespace = ns.oid
UNION ALL
SELECT 'type', t.typname, t.typtype::text, '', '', '', ''
  FROM pg_type t JOIN ns ON t.typnamespace = ns.oid
 WHERE t.typrelid = 0 OR NOT EXISTS (SELECT 1 FROM rel WHERE rel.oid = t.typrelid)
"""


def schema_catalog(schema_name: str) -> frozenset[tuple[str, ...]]:
    """Every table, column (type, nullability, default, identity), index, constraint, sequence,
    trigger, function and free-standing type of `schema_name`, as text tuples.

    Definitions are read with the public search_path and the schema's own name is replaced by
    "<schema>", so the catalogs of two schemas made the same way are equal sets. Rows are not read.
    """
    _check_schema_name(schema_name)
    pattern = re.compile(r'(?<![\w"])"?' + re.escape(schema_name) + r'"?\.')
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(_CATALOG_SQL, {"schema": schema_name})
        rows = cursor.fetchall()
    return frozenset(tuple(pattern.sub("<schema>.", str(value)) for value in row) for row in rows)


def recorded_migrations(schema_name: str) -> frozenset[tuple[str, str]]:
    """The (app, name) rows of `schema_name`'s django_migrations (empty when it has no such table)."""
    found = recorded_migrations_many([schema_name])
    return found.get(schema_name, frozenset())


def recorded_migrations_many(schema_names: Iterable[str]) -> dict[str, frozenset[tuple[str, str]]]:
    """{schema: its django_migrations rows} for every schema that has the table, 200 schemas a query."""
    names = list(schema_names)
    for name in names:
        _check_schema_name(name)
    result: dict[str, frozenset[tuple[str, str]]] = {}
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' AND n.nspname = ANY(%s)",
            [names],
        )
        present = sorted(row[0] for row in cursor.fetchall())
        for start in range(0, len(present), 200):
            chunk = present[start : start + 200]
            query = " UNION ALL ".join(
                f"SELECT '{name}', app, name FROM \"{name}\".django_migrations"  # noqa: S608 (checked names)
                for name in chunk
            )
            cursor.execute(query)
            rows: dict[str, set[tuple[str, str]]] = {name: set() for name in chunk}
            for schema, app, migration in cursor.fetchall():
                rows[schema].add((app, migration))
            result.update({name: frozenset(found) for name, found in rows.items()})
    return result


def missing_migrations(schema_name: str) -> list[tuple[str, str]]:
    """The graph's migrations that `schema_name` has not recorded, sorted; [] when complete."""
    return sorted(expected_migrations() - recorded_migrations(schema_name))


def catalog_difference(
    actual: frozenset[tuple[str, ...]], reference: frozenset[tuple[str, ...]]
) -> dict[str, tuple[int, int]]:
    """{object kind: (objects only in `actual`, objects only in `reference`)} for kinds that differ."""
    extra, lacking = actual - reference, reference - actual
    kinds = {row[0] for row in extra | lacking}
    return {
        kind: (sum(1 for row in extra if row[0] == kind), sum(1 for row in lacking if row[0] == kind))
        for kind in sorted(kinds)
    }


def schema_provision(*, schema_name: str, replay: bool | None = None) -> Provisioned:
    """Create `schema_name` with every tenant migration applied; returns how it was made.

    Replays the recorded script and checks the result (every graph migration recorded, catalog
    equal to the reference); on any difference rolls the replay back and runs the real
    migrations instead. `replay=False` (or setting HUB_PROVISION_REPLAY = False) always
    migrates. Runs in the caller's transaction, in a savepoint; must be called in the public
    schema. Raises ProvisioningError for a bad name or a schema that still misses migrations.
    """
    _check_schema_name(schema_name)
    if replay is None:
        replay = getattr(settings, "HUB_PROVISION_REPLAY", True)
    start = time.perf_counter()
    method = "migrate"
    with transaction.atomic():
        connection.set_schema_to_public()
        if replay and _failures["in_a_row"] < _MAX_FAILURES and _replay_checked(schema_name):
            method = "replay"
            _failures["in_a_row"] = 0
        else:
            _migrate(schema_name)
            missing = missing_migrations(schema_name)
            if missing:
                raise ProvisioningError(f"Schema {schema_name} misses {len(missing)} migrations after migrate.")
    connection.set_schema_to_public()
    return Provisioned(schema_name=schema_name, method=method, seconds=time.perf_counter() - start)


def _replay_checked(schema_name: str) -> bool:
    made = script()
    try:
        with transaction.atomic():
            replay_sql(schema_name=schema_name, sql=made.sql)
            recorded = recorded_migrations(schema_name)
            catalog = schema_catalog(schema_name)
            if recorded != made.migrations or not expected_migrations() <= recorded or catalog != made.reference:
                logger.warning(
                    "provisioning: replayed schema differs from the migration graph "
                    "(missing migrations %d, catalog differences %s); migrating for real",
                    len(expected_migrations() - recorded),
                    catalog_difference(catalog, made.reference),
                )
                raise _Discard
    except _Discard:
        forget()
        _failures["in_a_row"] += 1
        if _failures["in_a_row"] >= _MAX_FAILURES:
            logger.error(
                "provisioning: replay failed its check %d times in a row; migrating from now on", _MAX_FAILURES
            )
        return False
    finally:
        connection.set_schema_to_public()
    return True


def replay_sql(*, schema_name: str, sql: str) -> None:
    """`CREATE SCHEMA` then `sql` with the new schema first on the search_path (two round trips)."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {_quoted(schema_name)}")
    connection.set_schema(schema_name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.set_schema_to_public()


def _migrate(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {_quoted(schema_name)}")
    call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def organisation_schemas() -> list[str]:
    """Every organisation's schema name except public's, sorted."""
    from tenants.models import Organisation

    public = get_public_schema_name()
    return sorted(Organisation.objects.exclude(schema_name=public).values_list("schema_name", flat=True))


def organisations_missing_migrations(schema_names: Iterable[str] | None = None) -> dict[str, list[tuple[str, str]]]:
    """{schema: the graph migrations it has not recorded} for every organisation schema that misses any.

    `schema_names` defaults to every organisation. A schema with no django_migrations table (or
    no schema at all) misses every migration. Read-only: one catalog query, then one query per
    200 schemas. {} means every schema is complete.
    """
    names = organisation_schemas() if schema_names is None else sorted(schema_names)
    expected = expected_migrations()
    recorded = recorded_migrations_many(names)
    missing = {name: sorted(expected - recorded.get(name, frozenset())) for name in names}
    return {name: lacking for name, lacking in missing.items() if lacking}
