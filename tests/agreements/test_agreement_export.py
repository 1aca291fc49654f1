"""Exports verify offline from the file alone; every kind of tampering fails and says which signature."""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements import verify
from agreements.selectors import agreement_export, agreement_version

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def export(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    return agreement_export(agreement_version(agreement, 1))


def _flip(b64: str) -> str:
    raw = bytearray(base64.b64decode(b64))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_a_good_export_verifies_with_every_party_confirmed(export, org_a, org_b):
    problems, confirmations = verify.verify_export(export)

    assert problems == []
    assert len(confirmations) == 2
    assert any(org_a.slug in line for line in confirmations) and any(org_b.slug in line for line in confirmations)


def test_changing_the_text_fails_every_signature_and_the_document(export):
    export["document"]["terms"]["retention_days"] = 9999

    problems, _ = verify.verify_export(export)

    assert any(p.startswith("document: its text has changed") for p in problems)
    assert sum("signed a different document" in p for p in problems) == 2


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda s: s.__setitem__("signature", _flip(s["signature"])), "the signature does not verify"),
        (lambda s: s["statement"].__setitem__("signer_name", "Someone Else"), "the signature does not verify"),
        (lambda s: s["statement"].__setitem__("signed_at", "2020-01-01T00:00:00+00:00"), "does not verify"),
        (lambda s: s.__setitem__("public_key", _flip(s["public_key"])), "does not match its fingerprint"),
        (lambda s: s.__setitem__("public_key", "not base64!"), "not valid base64"),
    ],
)
def test_tampering_with_one_signature_names_that_signature(export, org_b, tamper, expected):
    tampered = copy.deepcopy(export)
    entry = next(s for s in tampered["signatures"] if s["statement"]["organisation"] == org_b.slug)
    tamper(entry)

    problems, confirmations = verify.verify_export(tampered)

    assert len(problems) >= 1 and all(f"signature of {org_b.slug}" in p for p in problems)
    assert any(expected in p for p in problems)
    assert len(confirmations) == 1


def test_a_removed_signature_is_reported_as_a_party_that_has_not_signed(export, org_a):
    export["signatures"] = [s for s in export["signatures"] if s["statement"]["organisation"] != org_a.slug]

    problems, _ = verify.verify_export(export)

    assert problems == [f"party {org_a.slug}: has not signed"]


def test_the_export_command_writes_a_file_that_verifies_without_django_or_a_database(drafting, org_a, org_b, tmp_path):
    agreement = drafting.active([org_a, org_b])
    path = tmp_path / "isa.json"
    call_command("agreement_export", str(agreement.pk), str(path))

    # Only the file, the standard library and `cryptography`: no settings, no database.
    good = subprocess.run(
        [sys.executable, "-m", "agreements.verify", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    data = json.loads(path.read_text())
    data["signatures"][0]["statement"]["signer_role"] = "Vice-Chancellor"
    path.write_text(json.dumps(data))
    bad = subprocess.run(
        [sys.executable, "-m", "agreements.verify", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )

    assert good.returncode == 0 and "all signatures valid" in good.stdout
    assert bad.returncode == 1
    assert f"FAILED signature of {data['signatures'][0]['statement']['organisation']}" in bad.stdout


def test_the_verify_command_exits_non_zero_on_a_tampered_file(export, tmp_path):
    export["document"]["parties"][0]["name"] = "Renamed"
    path = tmp_path / "isa.json"
    path.write_text(json.dumps(export))

    with pytest.raises(CommandError) as failed:
        call_command("agreement_verify", str(path))

    assert failed.value.returncode == 1


def test_a_draft_cannot_be_exported(drafting, org_a, org_b, tmp_path):
    agreement = drafting.draft([org_a, org_b])

    with pytest.raises(CommandError, match="draft"):
        call_command("agreement_export", str(agreement.pk), str(tmp_path / "x.json"))

    assert not (tmp_path / "x.json").exists()
