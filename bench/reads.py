"""CPU per request of a service's reads, behind uvicorn: the audit list and two business lists.

    .venv/bin/python bench/reads.py            # each read for 5 s at 8 connections, 2 rounds
    .venv/bin/python bench/reads.py --quick    # 2 s, 1 round
    .venv/bin/python bench/reads.py --json     # the figures as JSON (the table on stderr)

Each read runs against its own service process (uvicorn, SQLite, access log off) started by
``bench/suite.py`` on a fresh database seeded with the demo data, loaded by wrk (or
``bench/loadgen.py``) at ``--connections``. CPU per request is the service process's
utime+stime from ``/proc`` over the measured run, divided by the requests answered; the table
shows the median of the rounds. See bench/README.md, "The read path".
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite import HOST, PY, ROOT, Suite, cpu_seconds, free_port, http, log, machine_facts

BENCH = Path(__file__).resolve().parent

# (name, service, role, path, seed, target CPU ms per request)
READS: tuple[tuple[str, str, str, str, str | None, float], ...] = (
    ("audit list", "finance", "auditor", "/audit?limit=1", "finance", 0.40),
    ("payments list", "finance", "auditor", "/payments?limit=1", "finance", 0.50),
    ("staff list", "personnel", "hr_officer", "/staff?limit=1", "personnel", 0.50),
)


def _bench_module(name: str) -> Any:
    """bench/<name>.py, loaded by path: its name is taken (``gateway`` is the package,
    ``profile`` the standard library's)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_rounds(url: str, pid: int, token: str, args: argparse.Namespace) -> list[dict[str, float]]:
    """Warm up, then rounds of load on ``url``: requests/s and ``pid``'s CPU ms per request."""
    run_load = _bench_module("gateway").run_load
    run_load(args.loader, url, args.connections, args.warmup, token)
    rounds = []
    for _ in range(args.rounds):
        time.sleep(0.5)  # requests wrk left in flight are finished
        before = cpu_seconds(pid)
        result = run_load(args.loader, url, args.connections, args.seconds, token)
        spent = cpu_seconds(pid) - before
        answered = result["requests"]
        if sum(result["errors"].values()) or not answered:
            raise RuntimeError(f"{url}: errors under load: {result['errors']}")
        rounds.append(
            {"rps": answered / (result["duration_us"] / 1e6), "cpu_ms": spent / answered * 1000}
        )
    return rounds


def measure(
    service: str, role: str, path: str, seed: str | None, args: argparse.Namespace
) -> list[dict[str, float]]:
    """Rounds of one read of a service started by ``bench/suite.py``."""
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-reads-{service}-"))
    suite = Suite(workdir, quiet_logs=True, service=service, roles=(role,))
    try:
        suite.start()
        if seed:
            _bench_module("profile").seed_demo(suite, seed)
        pid = suite.processes[service].pid
        return load_rounds(suite.finance_url + path, pid, suite.token, args)
    finally:
        suite.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def measure_floor(args: argparse.Namespace) -> list[dict[str, float]]:
    """Rounds of ``bench/floor_app.py``'s bare route, behind uvicorn as the services run."""
    port = free_port()
    command = [PY, "-m", "uvicorn", "bench.floor_app:app", "--host", HOST, "--port", str(port)]
    command += ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
    server = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT)
    try:
        url = f"http://{HOST}:{port}/floor?limit=1"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if http(url)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        return load_rounds(url, server.pid, "", args)
    finally:
        server.terminate()
        server.wait(timeout=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--quick", action="store_true", help="2 s a read, 1 round")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rounds = 2.0, 1
    if args.loader == "auto":
        args.loader = "wrk" if shutil.which("wrk") else "python"
    out = sys.stderr if args.json else sys.stdout
    figures = []
    lines = ["| read | req/s | CPU ms/req | target | met |", "| --- | ---: | ---: | ---: | --- |"]
    for name, service, role, path, seed, target in READS:
        log(f"{name}: {service} GET {path} …")
        rounds = measure(service, role, path, seed, args)
        cpu = statistics.median(r["cpu_ms"] for r in rounds)
        rps = statistics.median(r["rps"] for r in rounds)
        met = cpu <= target
        lines.append(f"| {name} | {rps:.0f} | {cpu:.3f} | ≤ {target} | {'yes' if met else 'no'} |")
        figures.append(
            {
                "figure": f"{service} {name} (GET {path}), CPU per request",
                "unit": "ms",
                "value": round(cpu, 3),
                "target": target,
                "better": "lower",
                "met": met,
            }
        )
    rounds = measure_floor(args)
    cpu = statistics.median(r["cpu_ms"] for r in rounds)
    rps = statistics.median(r["rps"] for r in rounds)
    lines.append(f"| floor: a bare FastAPI route | {rps:.0f} | {cpu:.3f} | — | — |")
    figures.append(
        {
            "figure": "floor: a bare FastAPI route behind uvicorn, CPU per request",
            "unit": "ms",
            "value": round(cpu, 3),
            "target": None,
            "better": "lower",
            "met": None,
        }
    )
    facts = machine_facts()
    print(f"loader {args.loader}, {args.connections} connections, {facts}", file=out)
    print("\n".join(lines), file=out)
    if args.json:
        print(json.dumps({"benchmark": "reads", "figures": figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
