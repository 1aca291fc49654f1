"""Background work on Celery beat: every scheduled job exists, and a job that visits every organisation
fans out one task per organisation, each in its own schema, so one organisation's failure stops no other.

The test settings run tasks eagerly (CELERY_TASK_ALWAYS_EAGER), which runs each child inside the
parent's loop: the fan-out logic is what is tested here; tests/notifications/test_worker.py and
tests/deploy/test_topology.py run tasks on a real worker through Redis.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from hub.celery import FanOutError, app, organisation_schemas
from notifications import tasks as notification_tasks
from sharing import services as sharing_services
from sharing.models import SharedCheck
from sharing.tasks import exchange_sweep_task
from tenants.models import Organisation, OrganisationKind
from tests.agreements.conftest import Drafting
from tests.sharing.conftest import FakeProjection
from welfare import tasks as welfare_tasks

# The jobs issue 15 names, by their beat entry and the task each runs.
SCHEDULED = {
    "exchange-sweep": "sharing.exchange_sweep",
    "notification-sweeps": "notifications.sweep_all",  # agreement review and partner report reminders
    "audit-checkpoints": "core.audit_checkpoint_all",
    "welfare-retention-destruction": "welfare.retention_destroy_all",
    "notification-digests": "notifications.digest_all",
    # Commands the README once said to run from cron; now beat runs them daily.
    "referral-aggregates": "referrals.termly_send",
    "network-figures": "figures.termly_send",
}


def test_every_scheduled_job_is_on_beat_and_names_a_registered_task():
    app.loader.import_default_modules()
    for entry, task in SCHEDULED.items():
        assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] == task
        assert task in app.tasks, f"{task} is not registered with the hub's Celery app"
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_the_agreement_and_partner_reminders_are_sweeps_the_beat_job_runs():
    names = {f"{sweep.__module__}.{sweep.__name__}" for sweep in notification_tasks.SWEEPS}
    assert "agreements.notices.sweep_review_due" in names
    assert "partners.notices.sweep_overdue" in names


@pytest.fixture
def recorded(monkeypatch):
    """Replace the registered sweeps with one that records (schema, organisation) and fails where told."""
    seen: list[tuple[str, str]] = []
    failing: set[str] = set()

    def recording(organisation: Organisation) -> int:
        seen.append((connection.schema_name, organisation.schema_name))
        if organisation.schema_name in failing:
            raise RuntimeError("this organisation's sweep breaks")
        return 1

    monkeypatch.setattr(notification_tasks, "SWEEPS", [recording])
    return seen, failing


@pytest.mark.django_db
def test_the_sweep_job_queues_one_task_per_organisation_each_in_its_schema(world, recorded):
    seen, _ = recorded
    schemas = organisation_schemas()
    assert len(schemas) >= 3

    queued = notification_tasks.sweep_all.delay().get()

    assert queued == len(schemas)
    assert [schema for schema, _ in seen] == schemas  # one each, in order, none twice, never public
    assert all(running == own for running, own in seen)  # each ran in its own organisation's schema


@pytest.mark.django_db
def test_one_organisations_failing_sweep_does_not_stop_the_others(world, recorded):
    seen, failing = recorded
    schemas = organisation_schemas()
    broken = schemas[0]  # the first, so every other one comes after it
    failing.add(broken)

    with pytest.raises(FanOutError) as raised:
        notification_tasks.sweep_all.delay()

    assert [schema for schema, _ in seen] == schemas
    assert raised.value.schemas == [broken]
    assert raised.value.queued == len(schemas) - 1


@pytest.mark.django_db
def test_one_failing_sweep_does_not_stop_the_organisations_other_sweeps(world, monkeypatch):
    ran: list[str] = []

    def broken(organisation: Organisation) -> int:
        raise RuntimeError("review sweep breaks")

    def working(organisation: Organisation) -> int:
        ran.append(organisation.schema_name)
        return 0

    monkeypatch.setattr(notification_tasks, "SWEEPS", [broken, working])
    org = Organisation.objects.get(pk=world.alderley)
    from django_tenants.utils import schema_context

    with schema_context(org.schema_name), pytest.raises(notification_tasks.SweepFailed, match="broken"):
        notification_tasks.sweep.delay()
    assert ran == [org.schema_name]


@pytest.mark.django_db
def test_the_digest_job_fans_out_and_survives_one_failure(world, monkeypatch):
    seen: list[str] = []
    schemas = organisation_schemas()

    def digest() -> int:
        seen.append(connection.schema_name)
        if connection.schema_name == schemas[1]:
            raise RuntimeError("mail server refused")
        return 0

    monkeypatch.setattr(notification_tasks.delivery, "digest", digest)
    with pytest.raises(FanOutError) as raised:
        notification_tasks.send_all_digests.delay()
    assert seen == schemas
    assert raised.value.schemas == [schemas[1]]


@pytest.mark.django_db
def test_retention_destruction_fans_out_to_every_organisation_but_the_platform(world, monkeypatch):
    from welfare import retention

    platform = set(Organisation.objects.filter(kind=OrganisationKind.PLATFORM).values_list("schema_name", flat=True))
    expected = [s for s in organisation_schemas() if s not in platform]
    seen: list[str] = []
    real = retention.retention_destroy_run

    def run(*, organisation: Organisation, **kwargs):
        assert organisation.schema_name == connection.schema_name
        seen.append(organisation.schema_name)
        if organisation.schema_name == expected[0]:
            raise RuntimeError("disk full")
        return real(organisation=organisation, **kwargs)  # the real run: nothing approved, nothing destroyed

    monkeypatch.setattr(retention, "retention_destroy_run", run)
    with pytest.raises(FanOutError) as raised:
        welfare_tasks.retention_destroy_all.delay()
    assert seen == expected
    assert raised.value.schemas == [expected[0]]
    assert raised.value.queued == len(expected) - 1


@pytest.mark.django_db
def test_retention_destruction_queues_one_per_organisation_when_all_is_well(world):
    platform = set(Organisation.objects.filter(kind=OrganisationKind.PLATFORM).values_list("schema_name", flat=True))
    expected = [s for s in organisation_schemas() if s not in platform]
    assert welfare_tasks.retention_destroy_all.delay().get() == len(expected) >= 3


@pytest.mark.django_db
def test_the_exchange_sweep_task_shreds_a_lapsed_check(member, org_a, org_b):
    Drafting(member).active([org_a, org_b])
    (check, *_) = sharing_services.check_share(
        actor=None, source=org_a, projection=FakeProjection(1, ("Speaker Lapsedname",))
    )
    SharedCheck.objects.filter(pk=check.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    report = exchange_sweep_task.delay().get()

    assert report["checks_destroyed"] == 1
    assert SharedCheck.objects.get(pk=check.pk).destroyed_at is not None
    assert exchange_sweep_task.delay().get()["checks_destroyed"] == 0


@pytest.mark.django_db
def test_the_termly_sends_run_as_tasks_and_send_nothing_twice(world):
    from figures.tasks import termly_send_task as figures_send
    from referrals.tasks import termly_send_task as referrals_send

    first = figures_send.delay().get()
    assert set(first) == {"sent", "already", "refused", "totals_sent"}
    assert figures_send.delay().get()["sent"] == 0
    assert set(referrals_send.delay().get()) == {"partners", "sent", "already", "refused", "summaries_updated"}
    assert referrals_send.delay().get()["sent"] == 0
