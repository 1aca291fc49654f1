"""Batches that touch two organisations' chains lock the heads in one fixed order: never a deadlock."""

from __future__ import annotations

import threading
import time

from django.db import DatabaseError, connection, connections, transaction

from core.audit import audit_record, audit_record_many, audit_verify
from core.models import AuditChain, AuditEvent

ORG = 990_011  # chain "org-990011" sorts before "org-990012"
OTHER = 990_012


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        # Activity statistics are a snapshot per transaction, and the caller is inside one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _until_waiting(count: int, outcome: dict[str, str]) -> None:
    deadline = time.monotonic() + 20
    while _waiting_on_locks() < count:
        assert time.monotonic() < deadline, f"the writers never queued for the held chain: {outcome}"
        time.sleep(0.02)


def test_two_batches_naming_two_chains_in_opposite_orders_both_commit(committing_db):
    # given both chains exist, and ORG's head is held by an open transaction
    audit_record(action="test.setup", organisation_id=ORG)
    audit_record(action="test.setup", organisation_id=OTHER)
    outcome: dict[str, str] = {}

    def writer(name: str, organisations: list[int]) -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '20s'")
                audit_record_many([{"action": f"test.{name}", "organisation_id": o} for o in organisations])
            outcome[name] = "written"
        except DatabaseError as exc:
            outcome[name] = "deadlock" if "deadlock" in str(exc) else str(exc)
        except Exception as exc:  # noqa: BLE001 (reported in the assertion)
            outcome[name] = repr(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=writer, args=("first", [ORG, OTHER]))
    second = threading.Thread(target=writer, args=("second", [OTHER, ORG]))
    with transaction.atomic():
        audit_record(action="test.blocker", organisation_id=ORG)
        # when: the first batch queues for ORG's head, then the second (which names OTHER first) too.
        # Locking in the order given, the second would hold OTHER while waiting for ORG, and the
        # first, once it got ORG, would wait for OTHER: a cycle PostgreSQL breaks by aborting one.
        first.start()
        _until_waiting(1, outcome)
        second.start()
        _until_waiting(2, outcome)
    first.join(timeout=60)
    second.join(timeout=60)

    # then: both batches committed, each chain in one unbroken line
    assert outcome == {"first": "written", "second": "written"}
    for organisation_id, length in ((ORG, 4), (OTHER, 3)):  # ORG: setup, blocker, first, second
        chain = AuditChain.objects.get(chain=f"org-{organisation_id}")
        seqs = list(AuditEvent.objects.filter(chain=chain.chain).order_by("seq").values_list("seq", flat=True))
        assert chain.seq == length and seqs == list(range(1, length + 1))
    assert audit_verify() == []


def test_a_batch_locks_the_heads_in_chain_name_order_in_one_statement(db, django_assert_num_queries):
    audit_record(action="test.setup", organisation_id=OTHER)
    audit_record(action="test.setup", organisation_id=ORG)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        audit_record_many([{"action": "test.x", "organisation_id": o} for o in (OTHER, ORG, OTHER)])

    queries = [q["sql"] for q in ctx.captured_queries if "core_wrappedsecret" not in q["sql"]]
    locks = [q for q in queries if "FOR NO KEY UPDATE" in q]
    assert len(locks) == 1 and "ORDER BY c.chain" in locks[0]
