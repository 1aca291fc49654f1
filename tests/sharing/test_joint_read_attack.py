"""The joint read's id list (the register's path) opens another organisation's check only while it is readable."""

import pytest
from django.utils import timezone

from sharing import selectors, services
from sharing.models import SharedCheck
from tests.sharing.conftest import FakeProjection


@pytest.fixture
def network_ab(drafting, org_a, org_b):
    return drafting.active([org_a, org_b])


def test_a_superseded_or_withdrawn_check_of_another_organisation_never_opens_by_id_list(
    org_a, org_b, network_ab, member
):
    # given: A shares a check, corrects it (version 1 superseded) and shares another it then withdraws
    (first,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(7, ("Amira El-Masri",)))
    (second,) = services.check_share(
        actor=None, source=org_a, projection=FakeProjection(7, ("Amira El-Masri",), outcome="approved", mitigations=())
    )
    (third,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(8, ("Jonah Okafor",)))
    services.check_withdraw(actor=member(org_a, "prevent_lead"), check=third, reason="Decision was made in error")

    # when: B's reader is handed A's rows by id (the register's path, `shared_rows`)
    rows = selectors.shared_rows(
        organisation=org_b, user=None, checks=list(SharedCheck.objects.filter(pk__in=[first.pk, second.pk, third.pk]))
    )

    # then: only the current, readable version opens; the superseded and withdrawn ones show nothing
    opened = {row.check.pk for row in rows if row.view is not None}
    assert opened == {second.pk}
    assert selectors.shared_rows(organisation=org_a, user=None, checks=[first], at=timezone.now())[0].view is not None


@pytest.mark.parametrize(
    "state",
    [{"is_current": False}, {"withdrawn_at": timezone.now()}, {"expires_at": timezone.now()}],
    ids=["superseded", "withdrawn", "expired"],
)
def test_the_row_state_alone_hides_another_organisations_check_even_while_its_keys_remain(
    org_a, org_b, network_ab, state
):
    # given: a check of A that B can open, whose row then says it is no longer readable while
    # B's envelope keys are still there (a correction or withdrawal between its two steps)
    (check,) = services.check_share(actor=None, source=org_a, projection=FakeProjection(9, ("Mireille Adeyemi",)))
    assert selectors.shared_rows(organisation=org_b, user=None, checks=[check])[0].view is not None
    SharedCheck.objects.filter(pk=check.pk).update(**state)
    check.refresh_from_db()

    # when: B's reader is handed the row by id
    (row,) = selectors.shared_rows(organisation=org_b, user=None, checks=[check])

    # then: nothing opens, as search and check_open already refuse
    assert row.view is None


@pytest.mark.parametrize("check_id", [2**63, 2**64 + 5, 10**30])
def test_an_id_beyond_bigint_is_not_found_like_any_missing_check(org_b, check_id):
    from django.http import Http404

    from core.models import AuditEvent

    # when: a check id no bigint holds (the URL converter takes any digits)
    with pytest.raises(Http404):
        selectors.check_open(organisation=org_b, user=None, check_id=check_id)

    # then: not a database error; refused and recorded as not found, under the id asked for
    event = AuditEvent.objects.filter(action="exchange.open_denied").latest("seq")
    assert event.target_id == str(check_id) and event.detail["reason"] == "not_found"
