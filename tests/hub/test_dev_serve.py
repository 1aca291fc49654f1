"""`python3 dev.py serve` on another port: links made outside a request (the worker's emails) name that port."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_serving_on_another_port_puts_that_port_in_email_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_PUBLIC_URL", raising=False)
    monkeypatch.delenv("HUB_BASE_DOMAIN", raising=False)

    _dev().serve_environment("8123")

    # what the worker's settings then make of it: the link in an email
    code = (
        "import django; django.setup();"
        "from hub.hosts import organisation_absolute_url as u; print(u('eastbrook', '/notifications/'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "http://eastbrook.hub.localhost:8123/notifications/"


def test_a_public_url_set_by_hand_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_PUBLIC_URL", "https://hub.example.org")

    _dev().serve_environment("8123")

    assert os.environ["HUB_PUBLIC_URL"] == "https://hub.example.org"
