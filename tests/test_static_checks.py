"""Rules the code must keep, checked on every run: lint (incl. the crypto import ban), strict types, migrations."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules the style guide holds to mypy --strict: crypto, master keys, name tokens, the policy.
STRICT = ["core/crypto.py", "core/keys.py", "sharing/names.py", "sharing/name_folding.py", "agreements/policy.py"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing_including_cryptography_imported_outside_core_crypto():
    result = _run("ruff", "check", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_policy_and_crypto_modules_pass_mypy_strict():
    result = _run("mypy", "--strict", "--ignore-missing-imports", "--follow-imports=silent", *STRICT)

    assert result.returncode == 0, result.stdout + result.stderr


def test_every_model_change_has_a_migration(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
