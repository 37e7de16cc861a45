"""The benchmark's table, ratios and target verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from figures import figure
from suite import (
    TARGET_ADDED_P50_MS,
    TARGET_GATEWAY_CPU_MS,
    TARGET_RPS_RATIO,
    TARGET_SERVICE_CPU_MS,
)


@dataclass
class Scenario:
    path: str  # "direct", "gateway", or a floor: "relay" (bytes only), "bare" (uvicorn+aiohttp)
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    service_cpu_ms: float  # finance process CPU per request
    gateway_cpu_ms: float  # CPU per request of the hop on the path (gateway, relay or bare)
    service_cpu_share: float  # finance CPU seconds / wall seconds
    gateway_cpu_share: float
    loader_cpu_ms: float
    drain_s: float = 0.0  # time the service needed after the run to answer promptly again

    @property
    def total_cpu_ms(self) -> float:
        return self.service_cpu_ms + self.gateway_cpu_ms


def summarise(scenarios: list[Scenario]) -> dict[str, Any]:
    by = {(s.path, s.connections): s for s in scenarios}
    ratios = []
    for c in sorted({s.connections for s in scenarios}):
        d, g = by.get(("direct", c)), by.get(("gateway", c))
        if d is None or g is None:
            continue
        ratios.append(
            {
                "connections": c,
                "rps_ratio": g.rps / d.rps if d.rps else float("nan"),
                "added_p50_ms": g.p50_ms - d.p50_ms,
                "p99_ratio": g.p99_ms / d.p99_ms if d.p99_ms else float("nan"),
                "cpu_ratio": g.total_cpu_ms / d.total_cpu_ms if d.total_cpu_ms else float("nan"),
                "gateway_cpu_ms": g.gateway_cpu_ms,
                "errors": d.errors + g.errors,
            }
        )
    figures = _figures(by, ratios)
    warnings = [
        f"{s.path} at {s.connections} connections: {s.errors} errors in {s.requests} requests"
        for s in scenarios
        if s.errors or not s.requests
    ]
    return {"ratios": ratios, "figures": figures, "warnings": warnings}


def _figures(
    by: dict[tuple[str, int], Scenario], ratios: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The issue's figures, those this run measured: gateway CPU and req/s ratio at 32
    connections, added p50 at 1, the service's own read, and the floors (byte relay, bare
    uvicorn+aiohttp proxy), which have no target."""
    out = []
    g32, d32 = by.get(("gateway", 32)), by.get(("direct", 32))
    r = {x["connections"]: x for x in ratios}
    if g32 is not None:
        out.append(
            figure(
                "gateway's own CPU per proxied request, 32 connections",
                "ms",
                g32.gateway_cpu_ms,
                TARGET_GATEWAY_CPU_MS,
                "lower",
            )
        )
    if 1 in r:
        out.append(
            figure(
                "gateway added p50 at 1 connection",
                "ms",
                r[1]["added_p50_ms"],
                TARGET_ADDED_P50_MS,
                "lower",
            )
        )
    if 32 in r:
        out.append(
            figure(
                "gateway / direct req/s at 32 connections",
                "x",
                r[32]["rps_ratio"],
                TARGET_RPS_RATIO,
                "higher",
            )
        )
    if d32 is not None:
        out.append(
            figure(
                "service CPU per authenticated read (audit list, direct, 32 connections)",
                "ms",
                d32.service_cpu_ms,
                TARGET_SERVICE_CPU_MS,
                "lower",
            )
        )
    relay1, d1 = by.get(("relay", 1)), by.get(("direct", 1))
    if relay1 is not None and d1 is not None:
        out.append(
            figure(
                "bare byte relay added p50 at 1 connection (the floor of one hop)",
                "ms",
                relay1.p50_ms - d1.p50_ms,
                None,
                "lower",
            )
        )
        out.append(
            figure(
                "bare byte relay CPU per request, 1 connection",
                "ms",
                relay1.gateway_cpu_ms,
                None,
                "lower",
            )
        )
    bare32, bare1 = by.get(("bare", 32)), by.get(("bare", 1))
    if bare32 is not None:
        out.append(
            figure(
                "bare uvicorn+aiohttp proxy CPU per request, 32 connections (the stack's floor)",
                "ms",
                bare32.gateway_cpu_ms,
                None,
                "lower",
            )
        )
    if bare1 is not None and d1 is not None:
        out.append(
            figure(
                "bare uvicorn+aiohttp proxy added p50 at 1 connection",
                "ms",
                bare1.p50_ms - d1.p50_ms,
                None,
                "lower",
            )
        )
    return out


def render(
    facts: dict[str, Any],
    scenarios: list[Scenario],
    summary: dict[str, Any],
    clients: list[dict[str, Any]],
    rounds: list[list[Scenario]],
) -> str:
    out = [
        f"machine: {facts['nproc']} CPUs, {facts['cpu_model']}, "
        f"load average {facts['loadavg_at_start']:.2f} at start, "
        f"{facts['loadavg_at_end']:.2f} at end; Python {facts['python']}",
        f"loader {facts['loader']}; {facts['seconds']:g} s per scenario, "
        f"{facts['rounds']} round(s); access log {'off' if facts['quiet_logs'] else 'on'}",
        "",
    ]
    if scenarios:
        header = (
            f"{'path':<8} {'conns':>5} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'svc CPU':>8} {'hop CPU':>7} {'total':>7} {'svc %':>6} {'hop %':>5} {'errors':>6}"
        )
        out += [
            "CPU: ms per request (utime+stime of the process / requests); %: CPU s per wall s;",
            "hop: the gateway's process (on the floors' paths, the relay's or the bare proxy's)",
            header,
            "-" * len(header),
        ]
        for s in scenarios:
            out.append(
                f"{s.path:<8} {s.connections:>5} {s.rps:>7.0f} {s.p50_ms:>8.2f} {s.p99_ms:>8.2f} "
                f"{s.service_cpu_ms:>8.3f} {s.gateway_cpu_ms:>7.3f} {s.total_cpu_ms:>7.3f} "
                f"{s.service_cpu_share:>6.0%} {s.gateway_cpu_share:>5.0%} {s.errors:>6}"
            )
        if len(rounds) > 1:
            out.append(f"(medians of {len(rounds)} rounds; req/s of each round:)")
            for s in scenarios:
                per = [
                    f"{r.rps:.0f}"
                    for rnd in rounds
                    for r in rnd
                    if (r.path, r.connections) == (s.path, s.connections)
                ]
                out.append(f"  {s.path:<8} {s.connections:>3}: {', '.join(per)}")
        out += ["", "gateway / direct"]
        for r in summary["ratios"]:
            out.append(
                f"  {r['connections']:>3} conn: req/s x{r['rps_ratio']:.2f}, "
                f"p50 {r['added_p50_ms']:+.2f} ms, p99 x{r['p99_ratio']:.2f}, "
                f"CPU per request x{r['cpu_ratio']:.2f} "
                f"(the gateway's own {r['gateway_cpu_ms']:.3f} ms)"
            )
        out += [f"  WARNING: {w}; its figures are not comparable" for w in summary["warnings"]]
        out += ["", "figures"]
        for f in summary["figures"]:
            verdict = "" if f["met"] is None else "met" if f["met"] else "NOT met"
            goal = "" if f["target"] is None else f" (target {f['target']:g})"
            out.append(f"  [{verdict:>7}] {f['figure']}: {f['value']:g} {f['unit']}{goal}")
    if clients:
        out += [
            "",
            "client CPU per GET to the service (one process per client, time.process_time)",
            f"{'client':<14} {'conc':>4} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'CPU ms/req':>10} {'CPU %':>6}",
        ]
        for c in clients:
            out.append(
                f"{c['client']:<14} {c['concurrency']:>4} {c['rps']:>7.0f} {c['p50_ms']:>8.2f} "
                f"{c['p99_ms']:>8.2f} {c['cpu_ms_per_request']:>10.3f} {c['cpu_share']:>6.0%}"
            )
    return "\n".join(out)
