"""What must hold of the whole suite after the run, beyond each service's own writes:
audit chains, outboxes, errors only inside fault windows, recovery within 10 s."""

from __future__ import annotations

from sqlalchemy import inspect, text

from deploy.components import ALL
from shared.db import make_engine
from tests.soak.client import Record, User
from tests.soak.faults import RECOVERED_WITHIN, Fault
from tests.soak.traffic import Finding

AUDITED = ("admin", "finance", "assets", "facilities", "personnel")
ALLOWED_IN_WINDOW = {502, 503, 504}
# the gateway's longest wait for a service (connect + read, GatewaySettings)
ANSWERED_WITHIN = 32.0


async def audit_chains(auditor: User) -> Finding:
    broken = []
    for service in AUDITED:
        outcome = await auditor.call("audit.verify", "GET", f"/api/{service}/audit/verify")
        report = outcome.json() if outcome.acked else {"ok": False, "reason": "no answer"}
        if not report["ok"]:
            broken.append((service, report.get("first_broken_seq"), report.get("reason")))
    return Finding(
        f"every audit chain verifies ({', '.join(AUDITED)})", not broken, f"broken: {broken}"
    )


def outboxes(database_url: dict[str, str]) -> Finding:
    """Outboxes drained and no dead letters: no API shows them, so each database is read
    (SELECT only)."""
    left = []
    for component in ALL:
        engine = make_engine(database_url[component.name])
        try:
            table = f"{component.name}_outbox"
            if not inspect(engine).has_table(table):
                continue
            with engine.connect() as conn:
                waiting, dead = conn.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE dead_at IS NULL), "
                        f"count(*) FILTER (WHERE dead_at IS NOT NULL) FROM {table} "
                        "WHERE delivered_at IS NULL"
                    )
                ).one()
        finally:
            engine.dispose()
        if waiting or dead:
            left.append((component.name, int(waiting or 0), int(dead or 0)))
    return Finding(
        "outboxes drained, no dead letters",
        not left,
        f"(service, waiting, dead): {left}",
        source="each service's database (read-only)",
    )


def inside(record: Record, windows: list[Fault]) -> bool:
    return any(
        record.start <= f.window_end and record.end >= f.start
        for f in windows
        if f.counts_as_window
    )


def errors(records: list[Record], faults: list[Fault]) -> list[Finding]:
    outside = [
        r
        for r in records
        if not inside(r, faults) and (isinstance(r.status, str) or r.status >= 500)
    ]
    within = [r for r in records if inside(r, faults)]
    wrong = [
        r
        for r in within
        if (isinstance(r.status, int) and r.status >= 500 and r.status not in ALLOWED_IN_WINDOW)
    ]
    # no answer at all is the gateway's own absence: only while it is killed
    gateway_down = [f for f in faults if f.kind == "kill" and f.target == "gateway"]
    unanswered = [r for r in within if isinstance(r.status, str) and not inside(r, gateway_down)]
    slow = [r for r in within if r.latency > ANSWERED_WITHIN]
    return [
        Finding(
            f"outside fault windows no 5xx and no unanswered request ({len(records) - len(within)}"
            " requests)",
            not outside,
            _sample(outside),
        ),
        Finding(
            f"inside fault windows only 502/503/504 ({len(within)} requests)",
            not wrong and not unanswered,
            _sample(wrong + unanswered),
        ),
        Finding(
            "inside fault windows each answered within the gateway's timeout "
            f"({ANSWERED_WITHIN:g} s)",
            not slow,
            _sample(slow),
        ),
    ]


def recovery(faults: list[Fault], within: float = RECOVERED_WITHIN) -> Finding:
    late = [
        (f.label, f.recovery, f.note)
        for f in faults
        if f.counts_as_window and (f.recovery is None or f.recovery > within)
    ]
    return Finding(
        f"after each fault the suite is healthy again within {within:g} s",
        not late,
        f"(fault, seconds, note): {late}",
    )


def _sample(records: list[Record]) -> str:
    return "; ".join(f"{r.kind} {r.status} at {r.start:.1f}-{r.end:.1f} s" for r in records[:5]) + (
        f" (and {len(records) - 5} more)" if len(records) > 5 else ""
    )
