"""`python -m agreements.verify` refuses duplicated keys and anything outside the canonical export form, naming it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agreements import verify
from agreements.selectors import agreement_export, agreement_version

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def export_text(drafting, org_a, org_b):
    agreement = drafting.active([org_a, org_b])
    export = agreement_export(agreement_version(agreement, 1))
    return json.dumps(export, indent=2, sort_keys=True, ensure_ascii=False)


def test_the_canonical_export_verifies(export_text):
    problems, confirmations = verify.verify_text(export_text)

    assert problems == [] and len(confirmations) == 2


def test_a_duplicated_key_is_refused_and_named_even_when_the_last_value_is_the_signed_one(export_text, tmp_path):
    # given: "retention_days": 9999 slipped in before the signed 730
    tampered = export_text.replace('"retention_days": 730', '"retention_days": 9999,\n      "retention_days": 730')
    assert tampered != export_text and json.loads(tampered)["document"]["terms"]["retention_days"] == 730
    path = tmp_path / "isa.json"
    path.write_text(tampered, encoding="utf-8")

    # when: checked offline, without Django
    run = subprocess.run(
        [sys.executable, "-m", "agreements.verify", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )

    # then
    assert run.returncode == 1
    assert "FAILED not a canonical agreement export: document.terms.retention_days: the key appears more than once" in (
        run.stdout
    )
    assert "all signatures valid" not in run.stdout and ": valid" not in run.stdout


def _edit(text: str, change) -> str:
    data = json.loads(text)
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda d: d["document"]["terms"].__setitem__("retention_days", "730"),
            "document.terms.retention_days: should be",
        ),
        (
            lambda d: d["document"]["terms"].__setitem__("retention_days", 730.0),
            "document.terms.retention_days: should be",
        ),
        (
            lambda d: d["document"]["terms"].__setitem__("dpia_done", 1),
            "document.terms.dpia_done: should be true or false",
        ),
        (lambda d: d["document"]["terms"].__setitem__("expiry_date", "29/11/2029"), "document.terms.expiry_date"),
        (
            lambda d: d["document"]["terms"].__setitem__("note", "extra"),
            "document.terms.note: not part of the canonical",
        ),
        (lambda d: d["document"]["terms"].pop("security"), "document.terms.security: missing"),
        (lambda d: d.__setitem__("comment", "hi"), "comment: not part of the canonical form"),
        (lambda d: d["signatures"][0]["statement"].__setitem__("extra", 1), "signatures[0].statement.extra"),
        (lambda d: d["document"]["parties"][0].__setitem__("role", "x"), "document.parties[0].role"),
        (
            lambda d: d["document"]["terms"]["flows"][0].__setitem__("max_level", 2),
            "flows[0].max_level: should be text",
        ),
        (lambda d: d["document"].__setitem__("format", "something/else"), "document.format: unknown format"),
        (lambda d: d["document"]["readable"].append({"label": "Extra"}), "document.readable"),
    ],
)
def test_every_departure_from_the_canonical_form_is_refused_and_named(export_text, change, named):
    problems, confirmations = verify.verify_text(_edit(export_text, change))

    assert confirmations == []
    assert any(named in p for p in problems), problems


def test_nan_and_infinity_are_refused(export_text):
    text = export_text.replace('"retention_days": 730', '"retention_days": NaN')

    problems, _ = verify.verify_text(text)

    assert problems and "NaN is not allowed" in problems[0]


def test_the_signed_document_carries_human_labels_and_who_must_sign(export_text):
    document = json.loads(export_text)["document"]

    labels = {item["label"]: item["value"] for item in document["readable"]}
    assert labels["Lawful basis (UK GDPR Art. 6)"] == "Art. 6(1)(e) public task"
    assert labels["Retention at the recipient"] == "730 days"
    assert document["leaving_parties"] == []
