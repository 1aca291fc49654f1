"""Proof that a denied request wrote nothing: PostgreSQL's per-transaction write counters.

Tests run inside a transaction, and `pg_stat_xact_user_tables` counts every row inserted,
updated or deleted in it so far, per table, in every schema (the public one and every
organisation's), even a write later rolled back to a savepoint. Reading the counters before
and after a request shows any write it made.

Fast path: one sum over every user table (`total`); only when it moved is the request run
again with per-table readings (`per_table`) to name what it wrote and judge it against
`MAY_WRITE_ON_DENIAL`.
"""

from __future__ import annotations

from django.db import connection

AUDIT_TABLE = "public.core_auditevent"
# What a denial may legitimately write, by table, with the reason. Nothing else: no session is
# saved, and a token from another organisation is refused before its `last_used_at` is touched.
MAY_WRITE_ON_DENIAL: dict[str, str] = {
    AUDIT_TABLE: (
        "a refusal by the sharing policy or a case's need-to-know rule is evidence and is audited "
        "(exchange.record_open_denied, exchange.open_denied, exchange.detail_request_denied, "
        "exchange.detail_full_denied, welfare.case_access_denied): only events whose action ends "
        "in '_denied' are accepted"
    ),
    "public.core_auditchain": (
        "the audited refusal's chain head (core.audit: one row per chain, moved on by every event; "
        "its length and head hash)"
    ),
}
DENIAL_ACTION_SUFFIX = "_denied"


def user_tables() -> list[int]:
    """The OIDs of every user table now (every schema)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relid FROM pg_catalog.pg_stat_user_tables")
        return [row[0] for row in cursor.fetchall()]


def total(tables: list[int]) -> int:
    """Rows inserted + updated + deleted so far in this transaction, summed over `tables`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pg_stat_get_xact_tuples_inserted(t) + pg_stat_get_xact_tuples_updated(t)"
            " + pg_stat_get_xact_tuples_deleted(t)), 0) FROM unnest(%s::oid[]) AS t",
            [tables],
        )
        return int(cursor.fetchone()[0])


def per_table() -> dict[str, int]:
    """Rows inserted + updated + deleted so far in this transaction, per `schema.table` that has any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del "
            "FROM pg_catalog.pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return dict(cursor.fetchall())


def last_audit_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {AUDIT_TABLE}")  # noqa: S608 (a constant)
        return int(cursor.fetchone()[0])


def unaccepted(before: dict[str, int], after: dict[str, int], audit_since: int) -> list[str]:
    """What a denial wrote that `MAY_WRITE_ON_DENIAL` does not accept: table names, or audit actions."""
    tables = sorted(t for t, n in after.items() if n != before.get(t, 0))
    problems = [t for t in tables if t not in MAY_WRITE_ON_DENIAL]
    if AUDIT_TABLE in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT action FROM {AUDIT_TABLE} WHERE id > %s ORDER BY id", [audit_since])  # noqa: S608
            actions = [row[0] for row in cursor.fetchall()]
        problems += [f"audit {a}" for a in actions if not a.endswith(DENIAL_ACTION_SUFFIX)]
    return problems
