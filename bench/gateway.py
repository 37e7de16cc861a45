"""Gateway overhead benchmark: one authenticated read, direct vs through the gateway.

Starts the finance service and the gateway as real processes (``python -m deploy.cli serve``)
on 127.0.0.1 with fresh SQLite databases in a temporary folder, signs in once as an
``auditor`` and loads ``GET /audit?limit=1`` on the service's port ("direct") and
``GET /api/finance/audit?limit=1`` on the gateway's port ("gateway") at 1 and 32 connections.
For each scenario: requests/s, p50, p99 (from the load generator) and the CPU time per request
of each server process (utime+stime of /proc/<pid>/stat before and after, over the requests
made). Then the ratios gateway/direct and the targets of the issue.

``--floor`` (on by default) adds two floors in front of the same service: a bare byte relay
(``bench/suite.py relay``, at 1 connection: what one more hop with no HTTP work adds to p50
here) and a bare ASGI proxy on the gateway's own stack (``bench/suite.py bare``: uvicorn and
aiohttp with the gateway's settings and none of its work; at 32 connections, and at 1 too
unless ``--quick``): the CPU per request below which no gateway on this stack can go.

``--quick`` is one round of 2 s scenarios (the whole run under 30 s). ``--json`` prints the
benchmark contract on stdout, ``{"benchmark": "gateway", "figures": [...]}`` with the run's
details beside them, and the table on stderr.

The load generator is ``wrk`` when it is on PATH (``apt-get install wrk``), otherwise
bench/loadgen.py (aiohttp, in its own process). ``--clients`` adds the client-side comparison
httpx.AsyncClient vs aiohttp.ClientSession (bench/clients.py). See bench/README.md.

Everything is bounded: each scenario runs ``--seconds`` (default 5) after ``--warmup``
(default 1), every child has a timeout, and all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from typing import Any

from report import Scenario, render, summarise
from suite import (
    BENCH,
    DIRECT_PATH,
    GATEWAY_PATH,
    PY,
    Suite,
    http,
    log,
    machine_facts,
    running_suite,
)


def run_load(loader: str, url: str, connections: int, seconds: float, token: str) -> dict[str, Any]:
    """One bounded load run; the same JSON shape from wrk and from bench/loadgen.py."""
    env = {**os.environ, "BENCH_TOKEN": token}
    if loader == "wrk":
        command = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "5s",
            "-s",
            str(BENCH / "report.lua"),
            url,
        ]
    else:
        command = [
            PY,
            str(BENCH / "loadgen.py"),
            url,
            "--connections",
            str(connections),
            "--seconds",
            str(seconds),
        ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{loader} failed ({done.returncode}): {done.stderr or done.stdout}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def audit_reads_done(suite: Suite) -> float:
    """How many ``GET /audit`` the service has finished (its own Prometheus counter)."""
    status, body = http(suite.finance_url + "/metrics")
    if status != 200:
        raise RuntimeError(f"GET /metrics answered {status}")
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in body.decode().splitlines()
        if line.startswith("http_requests_total{") and 'route="/audit"' in line
    )


def settle(suite: Suite, seconds: float = 60.0) -> float:
    """Wait until the service has no read left in flight; return how long that took.

    wrk stops with requests in flight and the servers finish them after it has gone.
    Starting the next run before that would stack two runs' requests on the service (and on
    its 40 worker threads), so every run starts settled: a prompt probe read and, over the
    half second around it, no other read finished.
    """
    started = time.monotonic()
    deadline = started + seconds
    while time.monotonic() < deadline:
        before = audit_reads_done(suite)
        time.sleep(0.5)
        begin = time.monotonic()
        with contextlib.suppress(OSError):
            status, _ = http(suite.finance_url + DIRECT_PATH, token=suite.token, timeout=20)
            prompt = status == 200 and time.monotonic() - begin < 0.25
            if prompt and audit_reads_done(suite) - before <= 1:
                return time.monotonic() - started
    raise RuntimeError(f"the service did not settle within {seconds:.0f} s")


def measure(
    suite: Suite, loader: str, path: str, connections: int, seconds: float, warmup: float
) -> Scenario:
    url = {
        "direct": suite.finance_url + DIRECT_PATH,
        "gateway": suite.gateway_url + GATEWAY_PATH,
        "relay": suite.relay_url + DIRECT_PATH,
        "bare": suite.bare_url + GATEWAY_PATH,
    }[path]
    hop = path if path in ("relay", "bare") else "gateway"
    if warmup > 0:
        run_load(loader, url, connections, warmup, suite.token)
        settled = settle(suite)
        if settled > 2:
            log(f"    (the service needed {settled:.1f} s to finish the warm-up's requests)")
    # without a warm-up the service is already settled: every run ends by settling
    before = suite.cpu()
    children_before = os.times()
    result = run_load(loader, url, connections, seconds, suite.token)
    children_after = os.times()
    after = suite.cpu()
    drained = settle(suite)
    n = max(1, result["requests"])
    wall = result["duration_us"] / 1e6
    loader_cpu = (children_after.children_user + children_after.children_system) - (
        children_before.children_user + children_before.children_system
    )
    errors = sum(result["errors"].values())
    return Scenario(
        path=path,
        connections=connections,
        rps=result["requests"] / wall,
        p50_ms=result["p50_us"] / 1e3,
        p99_ms=result["p99_us"] / 1e3,
        requests=result["requests"],
        errors=errors,
        service_cpu_ms=(after["finance"] - before["finance"]) / n * 1e3,
        gateway_cpu_ms=(after[hop] - before[hop]) / n * 1e3,
        service_cpu_share=(after["finance"] - before["finance"]) / wall,
        gateway_cpu_share=(after[hop] - before[hop]) / wall,
        loader_cpu_ms=loader_cpu / n * 1e3,
        drain_s=drained,
    )


def median_scenario(runs: list[Scenario]) -> Scenario:
    if len(runs) == 1:
        return runs[0]

    def med(attr: str) -> float:
        return float(statistics.median(getattr(r, attr) for r in runs))

    return Scenario(
        path=runs[0].path,
        connections=runs[0].connections,
        rps=med("rps"),
        p50_ms=med("p50_ms"),
        p99_ms=med("p99_ms"),
        requests=sum(r.requests for r in runs),
        errors=sum(r.errors for r in runs),
        service_cpu_ms=med("service_cpu_ms"),
        gateway_cpu_ms=med("gateway_cpu_ms"),
        service_cpu_share=med("service_cpu_share"),
        gateway_cpu_share=med("gateway_cpu_share"),
        loader_cpu_ms=med("loader_cpu_ms"),
        drain_s=max(r.drain_s for r in runs),
    )


# --- the client comparison ---------------------------------------------------------------------


def client_comparison(
    suite: Suite, clients: list[str], concurrencies: list[int], seconds: float, warmup: float
) -> list[dict[str, Any]]:
    results = []
    env = {**os.environ, "BENCH_TOKEN": suite.token}
    for concurrency in concurrencies:
        for client in clients:
            log(f"  client {client:<14} concurrency {concurrency:>3} ...")
            command = [
                PY,
                str(BENCH / "clients.py"),
                client,
                suite.finance_url + DIRECT_PATH,
                "--concurrency",
                str(concurrency),
                "--seconds",
                str(seconds),
                "--warmup",
                str(warmup),
            ]
            done = subprocess.run(
                command,
                env=env,
                capture_output=True,
                text=True,
                timeout=seconds + warmup + 60,
                check=False,
            )
            if done.returncode != 0:
                raise RuntimeError(f"clients.py {client} failed: {done.stderr}")
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def parse_ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="before each scenario")
    parser.add_argument("--connections", default="1,32", help="comma list (default 1,32)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="repeat, alternating the order (default 2)"
    )
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--quiet-logs", action="store_true", help="servers at WARNING: no access log lines"
    )
    parser.add_argument(
        "--clients", action="store_true", help="also compare httpx and aiohttp client CPU"
    )
    parser.add_argument("--clients-only", action="store_true", help="only the client comparison")
    parser.add_argument("--json", action="store_true", help="print JSON (the table to stderr)")
    parser.add_argument(
        "--quick", action="store_true", help="one round of 2 s scenarios (whole run under 30 s)"
    )
    parser.add_argument(
        "--floor",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also load a bare byte relay at 1 connection (default on)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with logs")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup, args.rounds = 2.0, 0.0, 1  # settling still warms up
    if not 0 < args.seconds <= 60 or not 0 <= args.warmup <= 30 or not 1 <= args.rounds <= 10:
        parser.error("bounded runs only: --seconds in (0, 60], --warmup in [0, 30], --rounds 1-10")
    connections = parse_ints(args.connections)
    if not connections or max(connections) > 256:
        parser.error("--connections: 1 to 256")
    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    elif loader == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not on PATH (apt-get install wrk), use --loader python")

    def on_term(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)  # so that the servers are stopped on the way out

    signal.signal(signal.SIGTERM, on_term)
    facts = machine_facts()
    facts.update(
        loader=loader, seconds=args.seconds, rounds=args.rounds, quiet_logs=args.quiet_logs
    )
    rounds: list[list[Scenario]] = []
    clients: list[dict[str, Any]] = []
    log(f"starting finance and gateway (loader: {loader}) ...")
    with running_suite(args.quiet_logs, args.keep) as suite:
        log(f"  finance {suite.finance_url}, gateway {suite.gateway_url}")
        if args.floor:
            suite.start_relay()
            suite.start_bare_proxy()
        if not args.clients_only:
            for index in range(args.rounds):
                order = ("direct", "gateway") if index % 2 == 0 else ("gateway", "direct")
                current = []
                for c in connections:
                    paths: tuple[str, ...] = order
                    if args.floor:  # the relay at 1 connection, the bare proxy at each
                        floors: tuple[str, ...] = ("bare",)
                        if c == 1:
                            floors = ("relay",) if args.quick else ("relay", "bare")
                        paths = (*order, *floors) if index % 2 == 0 else (*floors, *order)
                    for path in paths:
                        log(f"  round {index + 1}: {path:<8} {c:>3} connections ...")
                        current.append(measure(suite, loader, path, c, args.seconds, args.warmup))
                rounds.append(current)
        if args.clients or args.clients_only:
            clients = client_comparison(
                suite,
                ["httpx", "httpx-pool100", "aiohttp"],
                connections,
                args.seconds,
                args.warmup,
            )
    scenarios = []
    for c in connections:
        for path in ("direct", "gateway", "relay", "bare"):
            runs = [s for rnd in rounds for s in rnd if (s.path, s.connections) == (path, c)]
            if runs:
                scenarios.append(median_scenario(runs))
    facts["loadavg_at_end"] = os.getloadavg()[0]
    summary = summarise(scenarios)
    table = render(facts, scenarios, summary, clients, rounds)
    if args.json:
        log(table)
        document = {
            "benchmark": "gateway",
            "figures": summary["figures"],
            "machine": facts,
            "scenarios": [{**s.__dict__, "total_cpu_ms": s.total_cpu_ms} for s in scenarios],
            "rounds": [[s.__dict__ for s in rnd] for rnd in rounds],
            "ratios": summary["ratios"],
            "warnings": summary["warnings"],
            "clients": clients,
        }
        print(json.dumps(document, indent=2))
    else:
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
