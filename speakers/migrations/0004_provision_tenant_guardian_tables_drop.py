"""Organisation schemas no longer carry django-guardian's generic tables (issue 14).

Nothing in the hub reads or writes object-permission rows (rights inside an organisation come
from scopes and assignments, see speakers/rights.py and migration 0002), so "guardian" left
TENANT_APPS: new schemas are made without `guardian_userobjectpermission` and
`guardian_groupobjectpermission`, and this drops them from schemas made before. guardian stays
a shared app (its public tables back the configured ObjectPermissionBackend, which finds no rows).

Careful on purpose: the tables are named with the schema (never through the search_path, which
would reach public's tables from a schema that has none), and a table that still holds rows
stops the migration with a message instead of losing them silently.
"""

from django.db import migrations

TABLES = ("guardian_userobjectpermission", "guardian_groupobjectpermission")


def drop_tenant_guardian_tables(apps, schema_editor):
    connection = schema_editor.connection
    schema = connection.schema_name
    if schema == "public":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname = ANY(%s)",
            [schema, list(TABLES)],
        )
        present = sorted(row[0] for row in cursor.fetchall())
        for table in present:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{schema}"."{table}")')  # noqa: S608 (catalogue names)
            if cursor.fetchone()[0]:
                raise RuntimeError(
                    f"Schema {schema}: {table} holds object-permission rows, which nothing in the hub reads. "
                    "Review and delete them, then migrate again."
                )
        for table in present:
            cursor.execute(f'DROP TABLE "{schema}"."{table}"')


class Migration(migrations.Migration):
    dependencies = [
        ("speakers", "0003_merge_api_scopes"),
    ]

    operations = [
        # Not reversible in substance: guardian's migrations would have to run again in the schema.
        migrations.RunPython(drop_tenant_guardian_tables, migrations.RunPython.noop),
    ]
