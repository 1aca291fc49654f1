"""bench/run_all collects every benchmark's `BENCH` lines into bench/results.md, failures included."""

from __future__ import annotations

import pytest

from bench import report, run_all


def test_emit_prints_one_parsable_line_with_the_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    report.emit("x", "p95", 3.0, "ms", floor=1.5, floor_what="raw SQL", target="≤ 3×", met=True)
    rows = report.parse(capsys.readouterr().out)
    assert rows == [
        {"bench": "x", "what": "p95", "value": 3.0, "unit": "ms", "floor": 1.5, "floor_what": "raw SQL",
         "ratio": 2.0, "target": "≤ 3×", "met": True}
    ]  # fmt: skip


def test_percentiles_by_nearest_rank() -> None:
    samples = list(range(1, 101))
    assert report.p95(samples) == 95
    assert report.p50([1, 2, 3, 10]) == 2.5
    with pytest.raises(ValueError):
        report.p95([])


def test_run_all_writes_a_table_and_reports_a_failed_benchmark(tmp_path, monkeypatch) -> None:
    benches = (
        run_all.Bench("fake", "tests.bench.fake_bench", (), "a stand-in"),
        run_all.Bench("broken", "tests.bench.fake_bench", ("--fail",), "fails"),
    )
    monkeypatch.setattr(run_all, "BENCHES", benches)
    output = tmp_path / "results.md"
    assert run_all.main(["--output", str(output)]) == 1
    text = output.read_text()
    assert "| search p95 | 4.00 ms | 2.00 ms (raw SQL) | 2.00 | ≤ 3× floor | yes |" in text
    assert "| shares | 4,200 items/s |  |  | ≥ 5,000/s | **no** |" in text
    assert "## broken: fails" in text and "**Failed** (exit 3)" in text and "something broke" in text


def test_unknown_benchmark_is_refused_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_all.main(["--only", "nonesuch"])
    assert "unknown benchmark(s): nonesuch" in capsys.readouterr().err
