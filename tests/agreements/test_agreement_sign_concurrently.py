"""Two signatories signing at the same moment, on real PostgreSQL with real commits."""

from __future__ import annotations

import threading

from django.db import connection

from agreements import services
from agreements.models import Agreement, Signature
from core.models import AuditEvent
from tenants.models import Organisation
from tenants.services import membership_grant
from tests.agreements.conftest import terms_for
from tests.factories import UserFactory


def test_these_committing_tests_run_against_a_test_database(db):
    # pytest-django creates the test database only when some collected test asks for `db`;
    # this one does, so running this file alone never commits into the development database.
    assert connection.settings_dict["NAME"].startswith("test_")


def _person(organisation, *roles):
    user = UserFactory()
    membership_grant(actor=None, organisation=organisation, user=user, roles=roles)
    return user


def test_two_signatories_signing_at_once_lose_no_signature_and_activate_once(committing_db, world):
    # given: a proposed agreement between two organisations, committed
    assert connection.settings_dict["NAME"].startswith("test_")
    org_a, org_b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)
    lead = _person(org_a, "prevent_lead")
    signers = {org_a.pk: _person(org_a, "signatory"), org_b.pk: _person(org_b, "signatory")}
    agreement = services.agreement_create(
        actor=lead,
        organisation=org_a,
        parties=[org_a.slug, org_b.slug],
        terms=terms_for("network_speaker_checks", [org_a, org_b]),
    )
    services.agreement_propose(actor=signers[org_a.pk], organisation=org_a, agreement=agreement)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sign(organisation: Organisation) -> None:
        try:
            start.wait()
            services.agreement_sign(
                actor=signers[organisation.pk], organisation=organisation, agreement=agreement, version_number=1
            )
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connection.close()

    # when: both sign at the same moment, each on its own connection
    threads = [threading.Thread(target=sign, args=(o,)) for o in (org_a, org_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then: both signatures are stored and the agreement was activated exactly once
    assert errors == []
    agreement = Agreement.objects.select_related("current_version").get(pk=agreement.pk)
    assert Signature.objects.filter(version=agreement.current_version).count() == 2
    assert agreement.current_version.fully_signed_at is not None
    assert AuditEvent.objects.filter(action="agreement.fully_signed", target_id=str(agreement.pk)).count() == 1
    assert AuditEvent.objects.filter(action="agreement.sign", target_id=str(agreement.pk)).count() == 2


def test_the_same_party_signing_twice_at_once_stores_one_signature(committing_db, world):
    org_a, org_b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)
    lead = _person(org_a, "prevent_lead")
    first, second = _person(org_b, "signatory"), _person(org_b, "signatory")
    agreement = services.agreement_create(
        actor=lead,
        organisation=org_a,
        parties=[org_a.slug, org_b.slug],
        terms=terms_for("network_speaker_checks", [org_a, org_b]),
    )
    services.agreement_propose(actor=_person(org_a, "signatory"), organisation=org_a, agreement=agreement)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(person) -> None:
        try:
            start.wait()
            services.agreement_sign(actor=person, organisation=org_b, agreement=agreement, version_number=1)
            outcomes.append("signed")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc).__name__ + ": " + str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o.split(":")[0] for o in outcomes) == ["ValidationError", "signed"]
    assert any("already signed" in o for o in outcomes)
    assert Signature.objects.filter(version__agreement_id=agreement.pk).count() == 1
