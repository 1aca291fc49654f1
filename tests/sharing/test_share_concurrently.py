"""Two shares of one request at the same moment, on real PostgreSQL with real commits (found by bench/load_mixed.py)."""

from __future__ import annotations

import threading

from django.db import connection

from sharing.models import SharedCheck
from sharing.services import check_share
from tenants.models import Organisation
from tenants.services import membership_grant
from tests.agreements.conftest import Drafting
from tests.factories import UserFactory
from tests.ops.helpers import tenant_rows_added_removed
from tests.sharing.conftest import FakeProjection


def test_these_committing_tests_run_against_a_test_database(db):
    assert connection.settings_dict["NAME"].startswith("test_")


def _person(organisation, *roles):
    user = UserFactory()
    membership_grant(actor=None, organisation=organisation, user=user, roles=roles)
    return user


def test_two_shares_of_one_request_at_once_both_succeed_as_version_1_and_a_correction(committing_db, world):
    # given: an agreement in force, and a decided request nobody has shared yet
    org_a, org_b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)
    with tenant_rows_added_removed(org_a.schema_name, org_b.schema_name):
        Drafting(_person).active([org_a, org_b])
        start, errors = threading.Barrier(2), []

        def share() -> None:
            try:
                start.wait()
                check_share(actor=None, source=org_a, projection=FakeProjection(4242, ("Perpetua Okonjo-Varga",)))
            except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
                errors.append(exc)
            finally:
                connection.close()

        # when: two people press "Share" at the same moment
        threads = [threading.Thread(target=share) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        # then: neither failed; the second share is a correction (version 2), and one version is current
        assert errors == []
        rows = SharedCheck.objects.filter(source=org_a, source_ref="request:4242/speaker:1", recipient__isnull=True)
        assert sorted(rows.values_list("version", "is_current")) == [(1, False), (2, True)]


def test_a_re_share_while_a_search_commits_its_opening_of_the_same_check_is_no_deadlock(
    committing_db, world, monkeypatch
):
    # A search holds the audit chain's lock when it commits, and only then checks its opening
    # record's foreign key to the check (a KEY SHARE lock). A re-share that locked the check FOR
    # UPDATE and then waited for the audit lock made the two wait on each other (a server error).
    from sharing import selectors, services

    org_a, org_b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)
    with tenant_rows_added_removed(org_a.schema_name, org_b.schema_name):
        Drafting(_person).active([org_a, org_b])
        projection = FakeProjection(4343, ("Perpetua Okonjo-Varga",))
        (first,) = check_share(actor=None, source=org_a, projection=projection)
        share_holds_the_check, search_done, errors = threading.Event(), threading.Event(), []
        real_audit_record = services.audit_record

        def audit_record_after_the_search(**fields):
            share_holds_the_check.set()  # the re-share has locked the check's row and wants the audit lock
            search_done.wait(timeout=3)
            return real_audit_record(**fields)

        monkeypatch.setattr(services, "audit_record", audit_record_after_the_search)

        def re_share() -> None:
            try:
                check_share(actor=None, source=org_a, projection=projection)
            except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
                errors.append(exc)
            finally:
                connection.close()

        # when: the recipient opens the check while the source re-shares it
        thread = threading.Thread(target=re_share)
        thread.start()
        assert share_holds_the_check.wait(timeout=30)
        try:
            view = selectors.check_open(organisation=org_b, user=None, check_id=first.pk)
        finally:
            search_done.set()
        thread.join(timeout=60)

        # then: both finished: the opening is recorded and the correction is current
        assert errors == [] and not view.error
        assert sorted(
            SharedCheck.objects.filter(source=org_a, source_ref="request:4343/speaker:1").values_list(
                "version", "is_current"
            )
        ) == [(1, False), (2, True)]
