"""The benchmark's table, ratios and target verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from suite import TARGET_ADDED_P50_MS, TARGET_RPS_RATIO, TARGET_SERVICE_CPU_MS


@dataclass
class Scenario:
    path: str  # "direct" or "gateway"
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    service_cpu_ms: float  # finance process CPU per request
    gateway_cpu_ms: float  # gateway process CPU per request
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
    targets = []
    r32 = next((r for r in ratios if r["connections"] == 32), None)
    if r32 is not None:
        targets.append(
            {
                "target": f"gateway >= {TARGET_RPS_RATIO}x direct req/s at 32 connections",
                "value": round(r32["rps_ratio"], 3),
                "met": r32["rps_ratio"] >= TARGET_RPS_RATIO,
            }
        )
    r1 = next((r for r in ratios if r["connections"] == 1), None)
    if r1 is not None:
        targets.append(
            {
                "target": f"gateway adds <= {TARGET_ADDED_P50_MS} ms p50 at 1 connection",
                "value": round(r1["added_p50_ms"], 3),
                "met": r1["added_p50_ms"] <= TARGET_ADDED_P50_MS,
            }
        )
    for s in scenarios:
        if s.path == "direct":
            targets.append(
                {
                    "target": f"service CPU per read <= {TARGET_SERVICE_CPU_MS} ms "
                    f"(direct, {s.connections} conn)",
                    "value": round(s.service_cpu_ms, 3),
                    "met": s.service_cpu_ms <= TARGET_SERVICE_CPU_MS,
                }
            )
    warnings = [
        f"{s.path} at {s.connections} connections: {s.errors} errors in {s.requests} requests"
        for s in scenarios
        if s.errors or not s.requests
    ]
    return {"ratios": ratios, "targets": targets, "warnings": warnings}


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
            f"{'svc CPU':>8} {'gw CPU':>7} {'total':>7} {'svc %':>6} {'gw %':>5} {'errors':>6}"
        )
        out += [
            "CPU: ms per request (utime+stime of the process / requests); %: CPU s per wall s",
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
        out += ["", "targets"]
        for t in summary["targets"]:
            out.append(f"  [{'met' if t['met'] else 'NOT met':>7}] {t['target']}: {t['value']}")
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
