"""Review findings on the master-key guard (review1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hub.startup import KEY_COMMANDS

ROOT = Path(__file__).resolve().parents[2]


def test_exchange_reindex_is_checked_like_every_other_key_needing_command() -> None:
    # exchange_reindex unwraps the blind-index secret (sharing.keys -> core.keyring) under the master key;
    # with a wrong HUB_MASTER_KEY it dies with a KeyFormatError traceback instead of the start-up refusal.
    assert "exchange_reindex" in KEY_COMMANDS


def test_production_settings_never_use_a_development_master_key(tmp_path: Path) -> None:
    # given: production settings, no HUB_MASTER_KEY, but HUB_ALLOW_DEV_MASTER_KEY=1 left in the environment
    env = {k: v for k, v in os.environ.items() if k not in {"HUB_MASTER_KEY", "HUB_MASTER_KEY_PREVIOUS"}} | {
        "DJANGO_SETTINGS_MODULE": "hub.settings.production",
        "DJANGO_SECRET_KEY": "review-only-secret-key-not-real-0123456789abcdef",
        "HUB_ALLOW_DEV_MASTER_KEY": "1",
        "HUB_DATA_DIR": str(tmp_path),
    }
    code = "import django; django.setup(); from core.keys import load_master_key; load_master_key(); print('LOADED')"

    # when: the key is loaded as hub.asgi / manage.py would
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    # then: refused (no key generated into HUB_DATA_DIR and used)
    assert "LOADED" not in result.stdout, result.stderr[-500:]
    assert not (tmp_path / "dev-master.key").exists()
    assert "MasterKeyError: HUB_MASTER_KEY is not set" in result.stderr, result.stderr[-500:]  # refused for that reason
