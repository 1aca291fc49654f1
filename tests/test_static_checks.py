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


def test_row_locks_never_block_foreign_key_checks():
    """Every `select_for_update` in the application takes FOR NO KEY UPDATE.

    A transaction that locks a row FOR UPDATE and then writes an audit event (which locks its
    organisation's chain head until commit) deadlocks with one that wrote an audit event first and
    whose deferred foreign-key check at COMMIT needs a KEY SHARE lock on that row (an opening record
    naming the check or agreement: found by the mixed load benchmark). FOR NO KEY UPDATE still makes
    writers take turns but never blocks a foreign-key check. Deleting a row takes its own lock.
    """
    import re

    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.glob("*/**/*.py")
        if not path.is_relative_to(ROOT / "tests") and ".venv" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"select_for_update\((?!no_key=True)", line)
    ]

    assert offenders == []
