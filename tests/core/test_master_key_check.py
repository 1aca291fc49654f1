"""A master key that is missing, malformed or not this database's never serves.

In-process: `core.keyring.master_key_verify` over the test database, through a rotation
and `master_key_rewrap`. Out of process: the ASGI app under production settings, and
`manage.py`, each started with a missing, a malformed, a wrong-but-well-formed and the
right key, and without DJANGO_SETTINGS_MODULE.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from core import crypto, keys
from core.keyring import KEY_CHECK_NAME, master_key_verify
from core.keys import MasterKeyError
from core.models import WrappedSecret
from tenants.models import OrganisationKey

ROOT = Path(__file__).resolve().parents[2]


def _b64(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode()


@pytest.fixture
def current_key() -> bytes:
    keys.reset_cache()
    return keys.load_master_key()


def _use(monkeypatch, current: bytes, previous: bytes | None = None) -> None:
    monkeypatch.setenv("HUB_MASTER_KEY", _b64(current))
    if previous is None:
        monkeypatch.delenv("HUB_MASTER_KEY_PREVIOUS", raising=False)
    else:
        monkeypatch.setenv("HUB_MASTER_KEY_PREVIOUS", _b64(previous))
    keys.reset_cache()


@pytest.fixture(autouse=True)
def _fresh_key_cache():
    keys.reset_cache()
    yield
    keys.reset_cache()


def test_the_first_check_stores_a_key_check_value_that_is_not_the_key(db, world, current_key):
    master_key_verify()

    row = WrappedSecret.objects.get(name=KEY_CHECK_NAME)
    assert row.master_key_id == crypto.master_key_id(current_key)
    assert current_key not in bytes(row.wrapped)
    assert _b64(current_key).encode() not in bytes(row.wrapped)
    master_key_verify()  # and the right key passes again


def test_a_wrong_but_well_formed_key_is_refused_naming_the_setting(db, world, current_key, monkeypatch):
    master_key_verify()
    _use(monkeypatch, secrets.token_bytes(32))

    with pytest.raises(MasterKeyError) as caught:
        master_key_verify()

    assert "HUB_MASTER_KEY does not match this database" in str(caught.value)
    assert _b64(current_key) not in str(caught.value)


def test_a_wrong_key_is_refused_even_before_a_key_check_value_exists(db, world, monkeypatch):
    # The organisations' wrapped private keys already say which master key the database uses.
    WrappedSecret.objects.filter(name=KEY_CHECK_NAME).delete()
    _use(monkeypatch, secrets.token_bytes(32))

    with pytest.raises(MasterKeyError):
        ids = set(OrganisationKey.objects.values_list("master_key_id", flat=True))
        master_key_verify(also_wrapped_by=ids)

    assert not WrappedSecret.objects.filter(name=KEY_CHECK_NAME).exists()  # nothing written under the wrong key


def test_a_key_check_value_edited_in_the_database_is_refused(db, world, current_key):
    master_key_verify()
    row = WrappedSecret.objects.get(name=KEY_CHECK_NAME)
    tampered = bytearray(row.wrapped)
    tampered[-1] ^= 1
    WrappedSecret.objects.filter(pk=row.pk).update(wrapped=bytes(tampered))

    with pytest.raises(MasterKeyError, match="does not open this database's key-check value"):
        master_key_verify()


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "HUB_MASTER_KEY is not set"), ("not-a-key", "HUB_MASTER_KEY is malformed"), (_b64(b"x" * 16), "malformed")],
)
def test_a_missing_or_malformed_key_is_refused(db, world, monkeypatch, value, message):
    monkeypatch.setenv("HUB_MASTER_KEY", value)
    monkeypatch.delenv("HUB_ALLOW_DEV_MASTER_KEY", raising=False)
    keys.reset_cache()

    with pytest.raises(MasterKeyError, match=message):
        master_key_verify()


def test_a_rotation_passes_the_check_and_master_key_rewrap_still_moves_everything(db, world, current_key, monkeypatch):
    # given: the database is checked under today's key
    master_key_verify()
    new_key = secrets.token_bytes(32)

    # when: the new key is set with the old one as previous, the check passes and rewrap runs
    _use(monkeypatch, new_key, previous=current_key)
    ids = set(OrganisationKey.objects.values_list("master_key_id", flat=True))
    master_key_verify(also_wrapped_by=ids)
    call_command("master_key_rewrap", stdout=open(os.devnull, "w"))  # noqa: SIM115

    # then: with the old key gone, the new one alone passes, and the old one alone is refused
    _use(monkeypatch, new_key)
    ids = set(OrganisationKey.objects.values_list("master_key_id", flat=True))
    master_key_verify(also_wrapped_by=ids)
    assert WrappedSecret.objects.get(name=KEY_CHECK_NAME).master_key_id == crypto.master_key_id(new_key)
    _use(monkeypatch, current_key)
    with pytest.raises(MasterKeyError):
        master_key_verify(also_wrapped_by=ids)


# --- out of process: the server and manage.py ------------------------------------------


def _env(**overrides: str | None) -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "DJANGO_"))}
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or "127.0.0.1"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    if host.startswith("/"):  # the embedded server listens on a Unix socket in this folder
        url = f"postgres://{auth}@/{db['NAME']}?host={host}"
    else:
        url = f"postgres://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="hub.settings.production",
        DJANGO_SECRET_KEY="test-only-production-secret-" + "x" * 30,
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind", ["missing", "malformed", "wrong", "right"])
def test_the_asgi_app_under_production_settings_loads_only_with_this_databases_key(committing_db, kind):
    keys.reset_cache()
    right = _b64(keys.load_master_key())
    value = {"missing": None, "malformed": "abc", "wrong": _b64(secrets.token_bytes(32)), "right": right}[kind]

    result = _run(["-c", "import hub.asgi; print('loaded')"], _env(HUB_MASTER_KEY=value))

    if kind == "right":
        assert result.returncode == 0, result.stderr
        assert "loaded" in result.stdout
    else:
        assert result.returncode != 0
        assert "HUB_MASTER_KEY" in result.stderr
        assert "loaded" not in result.stdout
        assert right not in result.stderr


def test_manage_py_refuses_a_key_command_with_a_wrong_key_and_runs_others(committing_db):
    wrong = _b64(secrets.token_bytes(32))

    refused = _run(["manage.py", "master_key_rewrap"], _env(HUB_MASTER_KEY=wrong))
    unrelated = _run(["manage.py", "agreement_verify", "--help"], _env(HUB_MASTER_KEY=wrong))

    assert refused.returncode == 1
    assert "master_key_rewrap: Refusing to start: HUB_MASTER_KEY does not match this database" in refused.stderr
    assert unrelated.returncode == 0, unrelated.stderr


@pytest.mark.parametrize("entry", [["manage.py", "check"], ["-c", "import hub.asgi"]])
def test_neither_entry_point_falls_back_to_development_settings(entry):
    result = _run(entry, _env(DJANGO_SETTINGS_MODULE=None))

    assert result.returncode == 2
    assert "DJANGO_SETTINGS_MODULE is not set" in result.stderr
