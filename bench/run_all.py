"""Run every benchmark at a scale that finishes in under ten minutes on 2 cores; write bench/results.md.

    .venv/bin/python -m bench.run_all            # the standard scale (100k checks)
    .venv/bin/python -m bench.run_all --only exchange policy
    .venv/bin/python -m bench.run_all --list

Each benchmark runs as its own process on its own throwaway database (bench/throwaway_db.py:
the embedded PostgreSQL unless DATABASE_URL is set) and prints `BENCH {json}` lines
(bench/report.py). This collects them, with the machine's load average before and after each
benchmark, and writes one table per benchmark to `bench/results.md`. A benchmark that fails
is reported as failed (its last output lines kept) and the others still run; the exit status
is 1 when any failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import parse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.md"


@dataclass(frozen=True)
class Bench:
    name: str
    module: str
    args: tuple[str, ...] = ()
    about: str = ""


# The standard scale: every figure the issues ask for, in under ten minutes on 2 cores.
BENCHES: tuple[Bench, ...] = (
    Bench("policy", "bench.bench_policy", (), "one policy decision, 1,000 organisations, 5,000 agreements"),
    Bench("exchange", "bench.bench_exchange", ("--checks", "100000", "--searches", "300"), "search, 100k checks"),
    Bench("bulk", "bench.bench_bulk", ("--checks", "10000", "--batches", "1000,5000", "--single", "100"),
          "bulk sharing, checks/s"),
    Bench("http", "bench.bench_http", ("--requests", "300"), "search and pages over HTTP, 8 concurrent clients"),
    Bench("provisioning", "bench.bench_provisioning", ("--samples", "10", "--baseline", "3", "--orgs", "30"),
          "one organisation, and migrating many"),
    Bench("audit", "bench.bench_audit", ("--events", "100"), "audit writes, 8 concurrent writers"),
)  # fmt: skip


@dataclass
class Outcome:
    bench: Bench
    rows: list[dict[str, object]] = field(default_factory=list)
    seconds: float = 0.0
    returncode: int = 0
    tail: str = ""
    load: tuple[str, str] = ("", "")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def run(bench: Bench) -> Outcome:
    """Run one benchmark in its own process; its rows, time, exit status and output tail."""
    outcome = Outcome(bench)
    before = _load()
    started = time.perf_counter()
    print(f"[run_all] {bench.name}: {bench.module} {' '.join(bench.args)}", flush=True)
    process = subprocess.run(
        [sys.executable, "-m", bench.module, *bench.args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    outcome.seconds = time.perf_counter() - started
    outcome.returncode = process.returncode
    outcome.rows = parse(process.stdout)
    outcome.tail = "\n".join((process.stdout + process.stderr).strip().splitlines()[-15:])
    outcome.load = (before, _load())
    status = "ok" if process.returncode == 0 else f"FAILED ({process.returncode})"
    print(f"[run_all] {bench.name}: {status} in {outcome.seconds:.0f} s, {len(outcome.rows)} figures", flush=True)
    return outcome


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


def markdown(outcomes: list[Outcome], *, started: dt.datetime) -> str:
    """The results page: machine, then one table per benchmark (figure, floor, ratio, target, met)."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench.run_all` on {started:%Y-%m-%d %H:%M} UTC, commit "
        f"`{commit.stdout.strip() or '?'}`, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"database {'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'embedded PostgreSQL'}.",
        "Each figure sits beside its floor or baseline measured in the same run; ratio = figure / floor.",
        "",
    ]
    for outcome in outcomes:
        bench = outcome.bench
        lines += [
            f"## {bench.name}: {bench.about}",
            "",
            f"`python -m {bench.module} {' '.join(bench.args)}`".replace(" `", "`"),
            f"{outcome.seconds:.0f} s; load average {outcome.load[0]} before, {outcome.load[1]} after.",
            "",
        ]
        if outcome.returncode != 0:
            lines += [f"**Failed** (exit {outcome.returncode}). Last lines:", "", "```", outcome.tail, "```", ""]
            continue
        lines += ["| what | figure | floor or baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
        for row in outcome.rows:
            figure = f"{_cell(row['value'])} {row['unit']}"
            floor = f"{_cell(row['floor'])} {row['unit']} ({row.get('floor_what', '')})" if "floor" in row else ""
            lines.append(
                f"| {_cell(row['what'])} | {figure} | {floor} | {_cell(row.get('ratio'))} "
                f"| {_cell(row.get('target', ''))} | {_cell(row.get('met'))} |"
            )
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the table (bench/results.md)")
    options = parser.parse_args(argv)
    if options.list:
        for bench in BENCHES:
            print(f"{bench.name:14} python -m {bench.module} {' '.join(bench.args)}  ({bench.about})")
        return 0
    chosen = [b for b in BENCHES if not options.only or b.name in options.only]
    unknown = set(options.only or ()) - {b.name for b in BENCHES}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}; --list shows them")
    started = dt.datetime.now(dt.UTC)
    outcomes = [run(bench) for bench in chosen]
    options.output.write_text(markdown(outcomes, started=started) + "\n")
    print(f"[run_all] wrote {options.output}", flush=True)
    return 0 if all(o.returncode == 0 for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
