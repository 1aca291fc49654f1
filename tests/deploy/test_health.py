"""/healthz and /readyz (hub/health.py) against real services: each failure mode makes /readyz answer 503.

Failures are real, not mocked: a database alias aimed at a closed port, a Redis channel layer at a
closed port, a TCP listener that never answers (the round trip's timeout), and a master key removed
from or mangled in the environment. No body or log line carries a password, a host or a key.
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test import Client, override_settings

from core import keys
from hub import health
from tests.notifications.servers import redis_server

SECRET_PASSWORD = "never-shown-pa55word"


def _redis_layer(url: str) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": url, "socket_timeout": 5}]},
        }
    }


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the socket is closed


def _readyz(host: str = "10.1.2.3:8000") -> tuple[int, dict, str]:
    response = Client(HTTP_HOST=host).get("/readyz")
    text = response.content.decode()
    return response.status_code, json.loads(text), text


@pytest.fixture
def broken_database(db: None) -> Iterator[str]:
    """A database connection like the default one but aimed at a closed port, with a password that must not leak.

    Made by hand, not listed in settings (Django's test case forbids listed aliases a test does
    not name), as a process whose DATABASE_URL names a dead server would have it.
    """
    alias = "health_broken"
    settings_dict = {
        **connections["default"].settings_dict,
        "HOST": "127.0.0.1",
        "PORT": str(_closed_port()),
        "PASSWORD": SECRET_PASSWORD,
        "OPTIONS": {"connect_timeout": 2},
    }
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


@pytest.fixture
def restored_master_key() -> Iterator[None]:
    keys.reset_cache()
    yield
    keys.reset_cache()


@pytest.mark.django_db
def test_liveness_answers_on_any_host_without_touching_the_database(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = Client(HTTP_HOST="10.1.2.3:8000").get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_ready_when_database_channel_layer_and_master_key_all_answer() -> None:
    status, body, _ = _readyz()

    assert status == 200
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer", "master_key"}
    assert all(check["status"] == "ok" and "error" not in check for check in body["checks"].values())


@pytest.mark.django_db
def test_ready_with_a_real_redis_channel_layer() -> None:
    with redis_server() as url, override_settings(CHANNEL_LAYERS=_redis_layer(url)):
        status, body, _ = _readyz()

    assert status == 200, body
    assert body["checks"]["channel_layer"]["status"] == "ok"


@pytest.mark.django_db
def test_unreachable_redis_makes_the_process_unready(caplog: pytest.LogCaptureFixture) -> None:
    port = _closed_port()
    with override_settings(CHANNEL_LAYERS=_redis_layer(f"redis://:{SECRET_PASSWORD}@127.0.0.1:{port}/0")):
        with caplog.at_level(logging.WARNING, logger="hub.health"):
            status, body, text = _readyz()

    assert status == 503
    assert body["status"] == "failed"
    assert body["checks"]["channel_layer"]["status"] == "failed"
    assert body["checks"]["channel_layer"]["error"]
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["master_key"]["status"] == "ok"
    for shown in (text, caplog.text):
        assert SECRET_PASSWORD not in shown and str(port) not in shown


@pytest.mark.django_db
def test_a_channel_layer_that_never_answers_fails_after_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "CHANNEL_TIMEOUT_SECONDS", 0.5)
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        with override_settings(CHANNEL_LAYERS=_redis_layer(url)):
            status, body, _ = _readyz()

    assert status == 503
    assert body["checks"]["channel_layer"] == {
        "status": "failed",
        "ms": body["checks"]["channel_layer"]["ms"],
        "error": "timeout",
    }
    assert 400 <= body["checks"]["channel_layer"]["ms"] < 3000


@pytest.mark.django_db
def test_unreachable_database_makes_the_process_unready(
    broken_database: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(health, "DATABASE_ALIAS", broken_database)
    with caplog.at_level(logging.WARNING, logger="hub.health"):
        status, body, text = _readyz()

    assert status == 503
    assert body["checks"]["database"]["status"] == "failed"
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["channel_layer"]["status"] == "ok"
    port = connections[broken_database].settings_dict["PORT"]
    for shown in (text, caplog.text):
        assert SECRET_PASSWORD not in shown and port not in shown


@pytest.mark.django_db
def test_an_unknown_database_alias_is_a_failed_check_not_a_crash() -> None:
    result = health.check_database("no_such_alias")

    assert not result.ok
    assert result.error == "ConnectionDoesNotExist"


@pytest.mark.django_db
def test_missing_master_key_makes_the_process_unready(
    monkeypatch: pytest.MonkeyPatch, restored_master_key: None
) -> None:
    monkeypatch.delenv("HUB_MASTER_KEY", raising=False)
    monkeypatch.setenv("HUB_ALLOW_DEV_MASTER_KEY", "0")
    keys.reset_cache()

    status, body, _ = _readyz()

    assert status == 503
    assert body["checks"]["master_key"] == {
        "status": "failed",
        "ms": body["checks"]["master_key"]["ms"],
        "error": "missing or malformed",
    }
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_malformed_master_key_is_reported_without_its_value(
    monkeypatch: pytest.MonkeyPatch, restored_master_key: None, caplog: pytest.LogCaptureFixture
) -> None:
    mangled = "not-a-key-" + SECRET_PASSWORD
    monkeypatch.setenv("HUB_MASTER_KEY", mangled)
    keys.reset_cache()

    with caplog.at_level(logging.DEBUG):
        status, body, text = _readyz()

    assert status == 503
    assert body["checks"]["master_key"]["status"] == "failed"
    assert mangled not in text and SECRET_PASSWORD not in caplog.text


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_over_plain_http_are_not_redirected_when_everything_else_is() -> None:
    client = Client(HTTP_HOST="hub.localhost")

    assert client.get("/login/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
