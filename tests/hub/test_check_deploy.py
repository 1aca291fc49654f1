"""`manage.py check --deploy` under the production settings finds nothing (issue 13).

Run as an operator would: a fresh process, DJANGO_SETTINGS_MODULE=hub.settings.production and only
the environment production needs (a long random DJANGO_SECRET_KEY, HUB_MASTER_KEY in core.keys'
format, DATABASE_URL). Nothing is silenced (SILENCED_SYSTEM_CHECKS stays empty).
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "hub.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "HUB_MASTER_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": f"postgresql://{auth}@{host}:{db.get('PORT') or 5432}/{db['NAME']}",
    }
    env.update(extra)
    return env


def _check_deploy(**extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_under_production_settings_reports_no_issues() -> None:
    result = _check_deploy()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_plain_http_mode_is_reported_rather_than_hidden() -> None:
    # HUB_HTTPS=false (loopback without TLS) really is less safe: check --deploy says so.
    result = _check_deploy(HUB_HTTPS="false")

    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout, check


def test_production_without_database_url_refuses_to_start_and_names_the_variable() -> None:
    env = _production_env()
    del env["DATABASE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "embedded" not in result.stdout  # no private database was started instead
