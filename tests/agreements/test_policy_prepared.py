"""The policy's terms come from one server-side prepared statement with the ORM query's exact answers."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from agreements.models import AgreementFlow
from agreements.policy import (
    _TERM_FIELDS,
    SharingDenied,
    _terms_from_row,
    _with_membership,
    access_receive,
    load_terms,
    load_terms_for_recipient,
    terms_sql,
)
from tenants.models import LinkKind, OrganisationLink

KINDS = ["speaker_check", "network_figures", "risk_summary", "partner_report"]


def _orm_terms(**filters):
    rows = _with_membership(AgreementFlow.objects.filter(**filters)).values_list(*_TERM_FIELDS)
    return sorted((_terms_from_row(row) for row in rows), key=repr)


def _prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE from_sql = false")
        return [row[0] for row in cursor.fetchall() if "agreements_agreementflow" in row[0]]


@pytest.fixture
def network_exchange(drafting, org_a, org_b, partner, network):
    drafting.active([org_a, org_b, network])  # the network's and its members' flows
    drafting.active([org_a, partner], "franchise")
    return [org_a, org_b, partner, network]


def test_the_prepared_terms_equal_the_orm_terms_for_every_pair_and_kind(network_exchange):
    organisations = network_exchange
    # one member leaves the network: its network-kind flows must lose `recipient_in_network`
    OrganisationLink.objects.filter(source=organisations[0], kind=LinkKind.MEMBER_OF).delete()
    compared = in_network_false = 0
    for source in organisations:
        for kind in KINDS:
            assert sorted(load_terms(source_id=source.pk, kind=kind), key=repr) == _orm_terms(
                sender_id=source.pk, kind=kind
            )
            for recipient in organisations:
                prepared = sorted(load_terms(source_id=source.pk, kind=kind, recipient_id=recipient.pk), key=repr)
                assert prepared == _orm_terms(sender_id=source.pk, kind=kind, recipient_id=recipient.pk)
                compared += len(prepared)
                in_network_false += sum(not t.recipient_in_network for t in prepared)
    assert compared > 10 and in_network_false > 0  # the comparison covered both answers


def test_terms_for_a_recipient_from_many_sources_equal_the_orm_terms(network_exchange):
    a, b, p, n = network_exchange
    for kind in KINDS:
        grouped = load_terms_for_recipient(recipient_id=a.pk, kind=kind, source_ids=[b.pk, p.pk, n.pk])
        flat = sorted((t for terms in grouped.values() for t in terms), key=repr)
        assert flat == _orm_terms(sender_id__in=[b.pk, p.pk, n.pk], kind=kind, recipient_id=a.pk)
        assert all(t.sender_id == source for source, terms in grouped.items() for t in terms)


def test_the_decision_runs_as_one_statement_prepared_once_per_connection(network_exchange, django_assert_num_queries):
    a, b, _, _ = network_exchange
    query = {"source_id": a.pk, "recipient_id": b.pk, "kind": "speaker_check", "level": 2}

    with django_assert_num_queries(1):
        access_receive(**query, purpose="speaker_due_diligence")
    access_receive(**query, purpose="speaker_due_diligence")

    assert _prepared_here() == [terms_sql()["pair"].replace("%s", "$1", 1).replace("%s", "$2", 1).replace("%s", "$3")]


def test_a_savepoint_rolled_back_after_the_statement_does_not_break_the_next_decision(network_exchange):
    a, b, _, _ = network_exchange
    query = {"source_id": a.pk, "recipient_id": b.pk, "kind": "speaker_check", "level": 2}
    with pytest.raises(RuntimeError), transaction.atomic():
        access_receive(**query, purpose="speaker_due_diligence")
        raise RuntimeError("roll the savepoint back")

    assert access_receive(**query, purpose="speaker_due_diligence").allowed


def test_a_new_connection_or_a_discarded_session_prepares_again(committing_db, world):
    query = {
        "source_id": world.alderley,
        "recipient_id": world.brackenford,
        "kind": "speaker_check",
        "level": 2,
        "purpose": "speaker_due_diligence",
    }
    for reset in ("close", "DISCARD ALL", "DEALLOCATE ALL"):
        with pytest.raises(SharingDenied):  # no agreement between them in the session's world
            access_receive(**query)
        assert len(_prepared_here()) == 1
        if reset == "close":
            connection.close()  # CONN_MAX_AGE=0 does this after every request
        else:
            with connection.cursor() as cursor:
                cursor.execute(reset)  # what a pool or PgBouncer may run between clients
        assert _prepared_here() == []

        with pytest.raises(SharingDenied):
            access_receive(**query)
        assert len(_prepared_here()) == 1
