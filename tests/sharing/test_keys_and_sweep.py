"""Keys under the exchange: a master-key rotation loses nothing, a missing key stops start-up,
and concurrent sweeps destroy each lapsed check exactly once."""

import base64
import secrets
import threading
from datetime import timedelta

import pytest
from django.db import connection

from core import keys
from core.checks import master_key_check
from core.models import AuditEvent
from sharing import selectors, services
from sharing.models import EnvelopeKey, SharedCheck
from sharing.sweep import exchange_sweep
from tenants.management.commands.master_key_rewrap import Command as RewrapCommand
from tests.sharing.conftest import FakeProjection


@pytest.fixture
def fresh_master_keys(monkeypatch):
    yield monkeypatch
    keys.reset_cache()


def test_after_a_master_key_rotation_search_and_opening_still_work(drafting, org_a, org_b, fresh_master_keys):
    drafting.active([org_a, org_b])
    services.check_share(actor=None, source=org_a, projection=FakeProjection(1, ("Amira El-Masri",)))
    old = keys.load_master_key()
    fresh_master_keys.setenv("HUB_MASTER_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    fresh_master_keys.setenv("HUB_MASTER_KEY_PREVIOUS", base64.urlsafe_b64encode(old).decode())
    keys.reset_cache()

    RewrapCommand().handle()
    fresh_master_keys.delenv("HUB_MASTER_KEY_PREVIOUS")
    keys.reset_cache()

    (found,) = selectors.speaker_check_search(organisation=org_b, user=None, name="Amira El-Masri")
    assert not found.error and found.content["speaker_name"] == "Amira El-Masri"


def test_a_missing_master_key_fails_the_system_check_naming_the_setting(fresh_master_keys):
    fresh_master_keys.delenv("HUB_MASTER_KEY", raising=False)
    fresh_master_keys.delenv("HUB_ALLOW_DEV_MASTER_KEY", raising=False)
    keys.reset_cache()

    errors = master_key_check()

    assert [e.id for e in errors] == ["core.E001"]
    assert "HUB_MASTER_KEY" in errors[0].msg


def test_a_malformed_master_key_fails_the_system_check_without_echoing_it(fresh_master_keys):
    fresh_master_keys.setenv("HUB_MASTER_KEY", "not-a-key-SECRETVALUE")
    keys.reset_cache()

    errors = master_key_check()

    assert errors and errors[0].id == "core.E001"
    assert "SECRETVALUE" not in errors[0].msg


def test_two_sweeps_at_once_destroy_each_lapsed_check_once(committing_db, world):
    from tenants import services as tenant_services
    from tenants.models import Organisation
    from tests.agreements.conftest import Drafting
    from tests.factories import UserFactory

    org_a, org_b = Organisation.objects.get(pk=world.alderley), Organisation.objects.get(pk=world.brackenford)

    def member(org, *roles):
        user = UserFactory()
        tenant_services.membership_grant(actor=None, organisation=org, user=user, roles=roles)
        return user

    Drafting(member).active([org_a, org_b])
    checks = services.check_share(
        actor=None, source=org_a, projection=FakeProjection(1, tuple(f"Speaker Number{n}" for n in range(6)))
    )
    later = max(c.expires_at for c in checks) + timedelta(seconds=1)
    reports, failures = [], []

    def sweep():
        try:
            reports.append(exchange_sweep(now=later, batch_size=2))
        except Exception as exc:  # noqa: BLE001 (reported below)
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sum(r.checks_destroyed for r in reports) == 6
    assert not EnvelopeKey.objects.filter(envelope__check_row__in=checks).exists()
    assert SharedCheck.objects.filter(pk__in=[c.pk for c in checks], destroyed_at__isnull=False).count() == 6
    assert AuditEvent.objects.filter(action="exchange.destroy", target_id__in=[str(c.pk) for c in checks]).count() == 6
