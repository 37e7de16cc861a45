"""Every benchmark under bench/, one after the other, and one table: target, now, met.

    make bench            # = .venv/bin/python bench/all.py
    make bench QUICK=1    # each benchmark's --quick: a look in under two minutes
    .venv/bin/python bench/all.py --only reads,gateway --json

Each benchmark is its own script, run as a child process with ``--json``: it prints its own
table on stderr (shown as it runs) and one JSON object on stdout,
``{"benchmark": name, "figures": [{"figure", "unit", "value", "target", "better", "met"}]}``.
A benchmark that fails is reported as failed and the others still run; the exit status is
non-zero when any failed. A missed target is a figure, not a failure. Benchmarks are not part
of ``make test``: their figures and what they mean are written down in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = sys.executable

# name -> script and its arguments (in the order they run); each takes --json and --quick
BENCHMARKS: dict[str, tuple[str, ...]] = {
    "reads": ("reads.py",),
    "gateway": ("gateway.py",),
    "payments": ("finance_payments.py",),
    "personnel bulk": ("personnel_bulk.py",),
    "assets import": ("assets_import.py", "--db", "sqlite"),
    "assets import postgres": ("assets_import.py", "--db", "postgres"),
    "assets depreciation": ("assets_depreciation.py",),
    "volume": ("volume.py", "--db", "sqlite"),
    "volume postgres": ("volume.py", "--db", "postgres"),
    "assets stocktake": ("assets_stocktake.py", "--db", "sqlite"),
    "assets stocktake postgres": ("assets_stocktake.py", "--db", "postgres"),
    "facilities inspections": ("facilities_inspections.py", "--db", "sqlite"),
    "facilities inspections postgres": ("facilities_inspections.py", "--db", "postgres"),
    "payroll": ("payroll.py",),
    "treasury backlog": ("treasury_backlog.py", "--db", "sqlite"),
    "treasury backlog postgres": ("treasury_backlog.py", "--db", "postgres"),
}


def _report(stdout: str) -> dict[str, Any]:
    """The JSON object a benchmark printed last (on one line, or indented over many)."""
    text = stdout.strip()
    try:
        report: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError:
        report = json.loads(text.splitlines()[-1])
    return report


def run(
    name: str, script: tuple[str, ...], quick: bool
) -> tuple[dict[str, Any] | None, str, float]:
    """One benchmark's figures (None when it failed), what went wrong, and its seconds."""
    path, *arguments = script
    command = [PY, str(BENCH / path), *arguments, "--json", *(["--quick"] if quick else [])]
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True, check=False
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        return None, f"exit status {done.returncode}", seconds
    try:
        report = _report(done.stdout)
    except (IndexError, json.JSONDecodeError):
        return None, "no JSON report on stdout", seconds
    return report, "", seconds


def _value(figure: dict[str, Any], key: str) -> str:
    value = figure.get(key)
    if value is None:
        return "—"
    unit = figure.get("unit") or ""
    bound = ""
    if key == "target":
        bound = "≤ " if figure.get("better") == "lower" else "≥ "
    return f"{bound}{value:g} {unit}".strip() if isinstance(value, int | float) else str(value)


def table(reports: dict[str, tuple[dict[str, Any] | None, str, float]]) -> str:
    lines = ["| benchmark | figure | target | now | met |", "| --- | --- | ---: | ---: | --- |"]
    for name, (report, error, _) in reports.items():
        if report is None:
            lines.append(f"| {name} | **failed**: {error} | | | |")
            continue
        for figure in report["figures"]:
            met = figure.get("met")
            verdict = "—" if met is None else ("yes" if met else "**no**")
            lines.append(
                f"| {name} | {figure['figure']} | {_value(figure, 'target')} "
                f"| {_value(figure, 'value')} | {verdict} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="each benchmark's --quick")
    parser.add_argument("--only", default="", help="comma list of: " + ", ".join(BENCHMARKS))
    parser.add_argument("--json", action="store_true", help="all reports as one JSON list")
    args = parser.parse_args(argv)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(unknown)}")
    reports = {}
    started = time.monotonic()
    for name in chosen:
        print(f"== {name} ({' '.join(BENCHMARKS[name])}) ==", file=sys.stderr, flush=True)
        reports[name] = run(name, BENCHMARKS[name], args.quick)
        print(f"== {name}: {reports[name][2]:.0f} s ==", file=sys.stderr, flush=True)
    load = os.getloadavg()[0]
    summary = table(reports)
    print(f"\n{summary}\n\n{time.monotonic() - started:.0f} s in all, load average {load:.2f}")
    if args.json:
        print(json.dumps([r for r, _, _ in reports.values() if r is not None]))
    return 0 if all(r is not None for r, _, _ in reports.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
