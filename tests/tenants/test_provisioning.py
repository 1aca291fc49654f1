"""Provisioning by a checked replay of the migrations' SQL (issue 14) and the migration checks (issue 15)."""

import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tenants import provisioning, services
from tenants.checks import organisation_migrations_check


def _relations(schema: str) -> set[str]:
    return {row[1] for row in provisioning.schema_catalog(schema) if row[0] == "relation"}


def _delete_migration_row(schema: str, app: str, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [app, name])  # noqa: S608
        assert cursor.rowcount == 1


def test_a_replayed_schema_equals_one_made_by_real_migrations(db, world):
    migrated = provisioning.schema_provision(schema_name="org_prov_migrated", replay=False)
    replayed = provisioning.schema_provision(schema_name="org_prov_replayed")

    assert (migrated.method, replayed.method) == ("migrate", "replay")
    catalog = provisioning.schema_catalog("org_prov_replayed")
    assert catalog == provisioning.schema_catalog("org_prov_migrated")
    kinds = {row[0] for row in catalog}
    assert {"relation", "column", "index", "constraint"} <= kinds
    assert "speakers_eventrequest" in _relations("org_prov_replayed")
    recorded = provisioning.recorded_migrations("org_prov_replayed")
    assert recorded == provisioning.recorded_migrations("org_prov_migrated")
    assert recorded >= provisioning.expected_migrations()
    assert ("speakers", "0004_provision_tenant_guardian_tables_drop") in recorded


def test_the_catalog_comparison_sees_a_changed_column_and_index(db, world):
    provisioning.schema_provision(schema_name="org_prov_one")
    provisioning.schema_provision(schema_name="org_prov_two")
    assert provisioning.schema_catalog("org_prov_one") == provisioning.schema_catalog("org_prov_two")

    with connection.cursor() as cursor:
        cursor.execute('ALTER TABLE "org_prov_two".speakers_eventrequest ALTER COLUMN title TYPE varchar(201)')
        cursor.execute('CREATE INDEX extra_title ON "org_prov_two".speakers_eventrequest (title)')

    difference = provisioning.catalog_difference(
        provisioning.schema_catalog("org_prov_two"), provisioning.schema_catalog("org_prov_one")
    )
    assert difference == {"column": (1, 1), "index": (1, 0), "relation": (1, 0)}


def test_new_schemas_have_no_guardian_tables_and_public_keeps_its_own(db, world):
    provisioning.schema_provision(schema_name="org_prov_plain")

    assert not {name for name in _relations("org_prov_plain") if name.startswith("guardian_")}
    assert not {name for name in _relations("org_alderley") if name.startswith("guardian_")}
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.guardian_userobjectpermission') IS NOT NULL")
        assert cursor.fetchone()[0]


def test_recording_leaves_no_scratch_schema_behind(db, world):
    provisioning.script()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'provision_ref%%'")
        assert cursor.fetchone()[0] == 0


def _stale(made: provisioning.Script, **changes: object) -> provisioning.Script:
    fields = {f: getattr(made, f) for f in ("key", "sql", "migrations", "reference", "statements")}
    fields.update(changes)
    return provisioning.Script(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("staleness", ["table missing", "migration row missing"])
def test_a_stale_script_is_caught_and_the_schema_is_migrated_for_real(db, world, staleness, monkeypatch):
    made = provisioning.script()
    if staleness == "table missing":
        # The pitfall: every migration recorded as applied, but one migration's table never made.
        statements = made.sql.split(";\n")
        kept = [s for s in statements if "risks_riskaction" not in s]
        assert len(kept) < len(statements)
        stale = _stale(made, sql=";\n".join(kept))
    else:
        stale = _stale(made, sql=made.sql.replace("('speakers', '0003_merge_api_scopes', now()), ", ""))
        assert stale.sql != made.sql
    monkeypatch.setitem(provisioning._cache, made.key, stale)
    monkeypatch.setitem(provisioning._failures, "in_a_row", 0)

    result = provisioning.schema_provision(schema_name="org_prov_stale")

    assert result.method == "migrate"
    assert provisioning._failures["in_a_row"] == 1
    assert provisioning.schema_catalog("org_prov_stale") == made.reference
    assert provisioning.missing_migrations("org_prov_stale") == []
    assert made.key not in provisioning._cache  # forgotten: the next provisioning records afresh


def test_the_script_is_recorded_again_when_the_migration_graph_changes(db, world, monkeypatch):
    made = provisioning.script()
    assert provisioning.script() is made
    recorded_for: list[str] = []

    def record(key: str) -> provisioning.Script:
        recorded_for.append(key)
        return _stale(made, key=key)

    monkeypatch.setattr(provisioning, "_record", record)
    monkeypatch.setattr(provisioning, "migration_graph_key", lambda: "a-new-graph")
    monkeypatch.setattr(provisioning, "_cache", {made.key: made})

    assert provisioning.script().key == "a-new-graph"
    assert provisioning.script().key == "a-new-graph"
    assert recorded_for == ["a-new-graph"]
    assert list(provisioning._cache) == ["a-new-graph"]


def test_organisation_create_provisions_by_replay(db, world, monkeypatch):
    results: list[provisioning.Provisioned] = []
    real = services.schema_provision

    def spy(**kwargs: object) -> provisioning.Provisioned:
        results.append(real(**kwargs))
        return results[-1]

    monkeypatch.setattr(services, "schema_provision", spy)
    services.organisation_create(actor=None, name="Kestrel College", slug="kestrel", kind="provider")

    assert [(r.schema_name, r.method) for r in results] == [("org_kestrel", "replay")]
    assert provisioning.missing_migrations("org_kestrel") == []


def test_bad_schema_names_are_refused(db):
    for name in ("public", "Org", 'x"; DROP SCHEMA public; --', "a" * 64):
        with pytest.raises(provisioning.ProvisioningError):
            provisioning.schema_provision(schema_name=name)


def test_verify_lists_a_schema_missing_a_migration_and_exits_non_zero(db, world):
    out = StringIO()
    call_command("migrations_verify", stdout=out)
    assert "each records all" in out.getvalue()

    _delete_migration_row("org_brackenford", "speakers", "0003_merge_api_scopes")
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 4 organisation schemas miss migrations"):
        call_command("migrations_verify", stdout=out)
    assert "org_brackenford: missing 1: speakers.0003_merge_api_scopes" in out.getvalue()
    assert "org_alderley" not in out.getvalue()

    errors = organisation_migrations_check(databases=["default"])
    assert [e.id for e in errors] == ["tenants.E020"]
    assert "org_brackenford" in errors[0].msg
    assert organisation_migrations_check(databases=None) == []


def test_migrate_organisations_shows_progress_and_repairs_the_missing_migration(db, world):
    # A leaf (nothing depends on it), so applying it again is consistent with the history.
    _delete_migration_row("org_alderley", "speakers", "0004_provision_tenant_guardian_tables_drop")

    out = StringIO()
    call_command("migrate_organisations", "--skip-public", "--processes", "1", "--schema", "org_alderley", stdout=out)

    assert "[1/1] org_alderley ok" in out.getvalue()
    assert "1/1 organisations migrated" in out.getvalue()
    assert provisioning.missing_migrations("org_alderley") == []


def test_old_schemas_lose_empty_guardian_tables_and_keep_ones_with_rows(db, world):
    migration = importlib.import_module("speakers.migrations.0004_provision_tenant_guardian_tables_drop")
    provisioning.schema_provision(schema_name="org_prov_old")
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "org_prov_old".guardian_userobjectpermission (id int)')
        cursor.execute('CREATE TABLE "org_prov_old".guardian_groupobjectpermission (id int)')
    connection.set_schema("org_prov_old")
    try:
        migration.drop_tenant_guardian_tables(None, SimpleNamespace(connection=connection))
    finally:
        connection.set_schema_to_public()
    assert not {name for name in _relations("org_prov_old") if name.startswith("guardian_")}
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.guardian_userobjectpermission') IS NOT NULL")
        assert cursor.fetchone()[0]
        cursor.execute('CREATE TABLE "org_prov_old".guardian_userobjectpermission (id int)')
        cursor.execute('INSERT INTO "org_prov_old".guardian_userobjectpermission VALUES (1)')
    connection.set_schema("org_prov_old")
    try:
        with pytest.raises(RuntimeError, match="holds object-permission rows"):
            migration.drop_tenant_guardian_tables(None, SimpleNamespace(connection=connection))
    finally:
        connection.set_schema_to_public()
