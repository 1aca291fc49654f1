"""The background worker for real: a `celery -A hub worker` process, Redis as broker, emails to files.

The test process queues through the same Celery app the hub uses (tasks not eager here),
with the organisation's schema in the task header (tenant-schemas-celery); the worker runs
on the test run's database and writes each email it sends into a folder, which the test reads.
"""

from __future__ import annotations

import email
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from notifications.kinds import Delivery, Kind
from notifications.services import preferences_set
from notifications.tasks import send_all_digests
from tenants import services as tenant_services
from tenants.models import Organisation
from tests.factories import UserFactory
from tests.notifications.servers import celery_worker, redis_server, subprocess_env, tenant_rows_removed
from tests.welfare.conftest import concern_input

SUBJECT = ("Temperance", "Adebayo-Lindqvist")  # the fictional subject of the concern raised below


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


def _reset_producers(app) -> None:
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def _queued_to(url: str) -> Iterator[None]:
    """The hub's Celery app sends to the broker at `url` instead of running tasks eagerly (test settings)."""
    from hub.celery import app

    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(task_always_eager=False, broker_url=url, broker_transport_options={})
    _reset_producers(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_producers(app)


@pytest.fixture
def worker(committing_db, world, redis_url, tmp_path) -> Iterator[Path]:
    env = subprocess_env(
        REDIS_URL=redis_url,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
    )
    alderley = Organisation.objects.get(pk=world.alderley)
    with tenant_rows_removed(alderley.schema_name), _queued_to(redis_url), celery_worker(env):
        yield tmp_path


def _emails(folder: Path) -> list[email.message.Message]:
    found = []
    # In the order written: the file name has only the second and the backend's id(), so two
    # emails in the same second sorted by name could come out in either order.
    for path in sorted(folder.glob("*.log"), key=lambda found: found.stat().st_mtime_ns):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(email.message_from_string(chunk.strip() + "\n"))
    return found


def _wait_for(folder: Path, to: set[str], count: int, seconds: float = 30) -> list[email.message.Message]:
    """The emails in `folder` addressed to `to`, once there are `count` of them (or after `seconds`)."""

    def ours() -> list[email.message.Message]:
        return [m for m in _emails(folder) if m["To"] in to]

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(ours()) >= count:
            time.sleep(0.5)  # anything more would arrive now
            return ours()
        time.sleep(0.1)
    return ours()


def _text(message: email.message.Message) -> str:
    body = message.get_payload(decode=True)
    return f"{message['Subject']}\n{body.decode() if isinstance(body, bytes) else message.get_payload()}"


def test_the_worker_emails_the_person_who_chose_email_and_sends_one_digest(worker, world):
    alderley = Organisation.objects.get(pk=world.alderley)
    emailed, digested, hub_only = UserFactory(), UserFactory(), UserFactory()
    for person in (emailed, digested, hub_only):
        tenant_services.membership_grant(actor=None, organisation=alderley, user=person, roles=["safeguarding_officer"])
    with schema_context(alderley.schema_name):
        preferences_set(emailed, {Kind.CONCERN: Delivery.EMAIL})
        preferences_set(digested, {Kind.CONCERN: Delivery.DIGEST})
        preferences_set(hub_only, {Kind.CONCERN: Delivery.HUB})
    seeded = [*SUBJECT, *(p.full_name for p in (emailed, digested, hub_only))]

    from welfare.services import concern_raise

    ours = {emailed.email, digested.email, hub_only.email}
    with transaction.atomic(), tenant_context(alderley):
        # Raising a concern notifies the triage team (welfare.notices), queued to the worker after commit.
        concern_raise(actor=hub_only, data=concern_input(subject_given_name=SUBJECT[0], subject_family_name=SUBJECT[1]))
    one_each = _wait_for(worker, ours, 1)

    with schema_context("public"):
        send_all_digests.delay()  # the beat's daily task: one digest task per organisation
    after_digest = _wait_for(worker, ours, len(one_each) + 1)

    # Others in the organisation's triage team (from earlier tests) may be emailed too; ours, exactly:
    assert [m["To"] for m in one_each] == [emailed.email]
    assert "concern" in one_each[0]["Subject"].lower()
    assert [m["To"] for m in after_digest[1:]] == [digested.email]
    assert "daily digest" in after_digest[1]["Subject"]
    for message in after_digest:
        text = _text(message)
        assert "/welfare/triage/" in text
        assert not [name for name in seeded if name in text], text
