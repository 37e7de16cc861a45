"""The soak's report: requests by kind and status with latencies, faults and recoveries,
and each invariant held or failed with its counterexample."""

from __future__ import annotations

import os
from collections import Counter, defaultdict

from tests.soak.client import Record
from tests.soak.faults import Fault
from tests.soak.invariants import inside
from tests.soak.traffic import Finding


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else 0.0


def render(
    records: list[Record],
    faults: list[Fault],
    findings: list[Finding],
    *,
    seconds: float,
    db: str,
    load: tuple[float, float],
) -> str:
    traffic = [r for r in records if r.start <= seconds]
    lines = [
        f"Soak: {seconds:.1f} s of traffic on {db}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} at start, {load[1]:.2f} at end",
        f"Requests during the run: {len(traffic)} ({len(traffic) / seconds:.1f}/s); "
        f"all requests incl. settling and checks: {len(records)}",
        "",
        f"{'kind':34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses",
    ]
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_kind[r.kind].append(r)
    for kind in sorted(by_kind):
        rs = by_kind[kind]
        latencies = [r.latency for r in rs]
        statuses = Counter(str(r.status) for r in rs)
        shown = " ".join(f"{s}:{n}" for s, n in sorted(statuses.items()))
        lines.append(
            f"{kind:34} {len(rs):>6} {_pct(latencies, 50):>8.1f} {_pct(latencies, 95):>8.1f} "
            f"{_pct(latencies, 99):>8.1f}  {shown}"
        )
    inside_statuses = Counter(str(r.status) for r in records if inside(r, faults))
    outside_statuses = Counter(str(r.status) for r in records if not inside(r, faults))
    lines += [
        "",
        f"Outside fault windows: {dict(sorted(outside_statuses.items()))}",
        f"Inside fault windows:  {dict(sorted(inside_statuses.items()))}",
        "",
        "Faults (seconds since start; recovery = healthy again after the fault ended):",
    ]
    for f in sorted(faults, key=lambda f: f.start):
        recovery = f"{f.recovery:.2f} s" if f.recovery is not None else "never"
        lines.append(
            f"  {f.label:24} at {f.start:6.1f}  ended {f.ended:6.1f}  recovery {recovery}"
            + (f"  ({f.note})" if f.note else "")
        )
    lines += ["", "Invariants:"]
    for finding in findings:
        mark = "held  " if finding.held else "FAILED"
        lines.append(f"  {mark} {finding.name} [{finding.source}]")
        if not finding.held:
            lines.append(f"         {finding.detail}")
    failed = sum(not f.held for f in findings)
    lines.append("")
    lines.append(f"{len(findings) - failed} held, {failed} failed")
    return "\n".join(lines)
