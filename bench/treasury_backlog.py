"""Draining a treasury outage's backlog: N unsent API instructions (default 1,340, the demo
organisation's payroll) sent by ``Sender.send_due`` to the real treasury sandbox.

    python bench/treasury_backlog.py [--db postgres] [--count N] [--rounds R] [--json] [--quick]

The sandbox runs as its own uvicorn process (SQLite, fresh secrets), holding every instruction
in ``received`` for a day and dropping its callbacks, so its clock does no work meanwhile.
Finance's side runs here: a fresh migrated database (SQLite, or a throwaway PostgreSQL one),
the real ``TreasuryClient`` and a ``Sender`` whose kind ``payroll`` has a no-op handler. Each
setting (concurrency, drain_batches) = (1, 1) (the old worker: 200 a pass, a pass every 30 s),
(1, 25) and (4, 25) (the new default) gets N fresh payroll instructions and ``send_due()``
until none is unsent; R rounds (3), medians. Checked: each instruction ``received`` once in
finance, answered 202 once and never 200, stored once by the sandbox, a sample asked back
(``GET /instructions/{id}``). ``--quick``: 400, one round. Figures in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repository, not bench/

import httpx  # noqa: E402
from sqlalchemy import Engine, func, select  # noqa: E402

from bench.finance_payments import figure, postgres_database, serve, wait_healthy  # noqa: E402
from bench.suite import cpu_seconds, free_port, log, machine_facts  # noqa: E402
from services.finance.main import SPEC  # noqa: E402
from services.finance.treasury.client import TreasuryClient  # noqa: E402
from services.finance.treasury.models import Instruction, InstructionKind  # noqa: E402
from services.finance.treasury.sender import Sender  # noqa: E402
from services.finance.treasury.status import StatusHandlers  # noqa: E402
from shared.audit import AuditLog  # noqa: E402
from shared.bulk import insert_rows  # noqa: E402
from shared.db import for_writing, make_engine, unit_of_work  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.tables import platform_tables  # noqa: E402
from shared.types import utcnow  # noqa: E402
from shared.webhooks import new_secret  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POLL_SECONDS = 30.0  # treasury_poll_seconds: the old worker's pace, one batch a pass
SETTINGS = ((1, 1), (1, 25), (4, 25))  # (concurrency, drain_batches); the first is the old
TABLE: Any = Instruction.__table__  # type: ignore[attr-defined]


# what every transfer of a payroll run has in common (services/finance/payroll/payment.py)
PAYLOAD = {"kind": "payment", "method": "direct", "currency": "CNY", "purpose": "Payroll (staff)"}
TREASURY = {"name": "国库单一账户", "account": "TSA-0001"}
ROW = {"kind": InstructionKind.PAYROLL, "channel": "api", "status": "unsent", "attempts": 0}


def write_unsent(engine: Engine, prefix: str, count: int) -> list[str]:
    """``count`` unsent payroll transfers, due now, as paying a run writes them."""
    now, day = utcnow(), date.today().isoformat()
    ids = [f"{prefix}-{n:05d}" for n in range(count)]
    rows = [
        {
            **ROW,
            "instruction_id": iid,
            "subject_id": uuid.uuid4(),
            "payload": {
                **PAYLOAD,
                "instruction_id": iid,
                "debtor": TREASURY,
                "creditor": {"name": f"Staff {n}", "account": f"6222{n:012d}", "bank": "ICBC"},
                "amount": f"{5000 + n % 4000}.{n % 100:02d}",
                "requested_on": day,
            },
            **dict.fromkeys(("next_attempt_at", "created_at", "updated_at"), now),
        }
        for n, iid in enumerate(ids)
    ]
    with unit_of_work(for_writing(engine)) as session:
        insert_rows(session.connection(), TABLE, rows)
    return ids


def read(engine: Engine, query: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(query).all())


def drain(sender: Sender, engine: Engine, prefix: str, count: int) -> dict[str, Any]:
    """``send_due()`` until nothing of ``prefix`` is unsent: passes, seconds inside send_due,
    the bench process's CPU (finance's side) meanwhile."""
    seconds, passes, cpu = 0.0, 0, time.process_time()
    deadline = time.monotonic() + 600
    left = select(func.count()).where(TABLE.c.instruction_id.like(f"{prefix}-%"))
    while read(engine, left.where(TABLE.c.status == "unsent"))[0][0]:
        if time.monotonic() > deadline:
            raise SystemExit(f"{prefix}: still unsent after 10 minutes")
        started = time.perf_counter()
        tried = sender.send_due()
        seconds += time.perf_counter() - started
        passes += tried > 0
        if not tried:
            time.sleep(0.5)  # a failed try waits out its backoff
    cpu = time.process_time() - cpu
    return {"passes": passes, "seconds": seconds, "finance_cpu_ms": cpu * 1000 / count}


def check(
    engine: Engine, client: TreasuryClient, answers: Counter[int], store: Path, ids: list[str]
) -> bool:
    """Every instruction received once: finance's rows, the answers, the sandbox's table."""
    prefix = ids[0].rsplit("-", 1)[0]
    ours = read(
        engine,
        select(TABLE.c.status, TABLE.c.attempts, func.count())
        .where(TABLE.c.instruction_id.like(f"{prefix}-%"))
        .group_by(TABLE.c.status, TABLE.c.attempts),
    )
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        theirs = db.execute(
            "SELECT status, count(*), count(DISTINCT instruction_id) FROM treasury_instruction"
            " WHERE instruction_id LIKE ? GROUP BY status",
            (f"{prefix}-%",),
        ).fetchall()
    n = len(ids)
    sample = [client.status(i) for i in random.sample(ids, min(20, n))]
    ok = (
        [tuple(r) for r in ours] == [("received", 1, n)]
        and theirs == [("received", n, n)]
        and answers == Counter({202: n})
        and all(s is not None and s.status == "received" for s in sample)
    )
    if not ok:
        log(f"{prefix}: NOT EXACTLY ONCE: finance {ours}, sandbox {theirs}, answers {answers}")
    return ok


def run(url: str, count: int, rounds: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-backlog-"))
    url = url or f"sqlite:///{work / 'finance.db'}"
    upgrade(SPEC.migrations_dir, url, "finance")
    engine = make_engine(url)
    store, secret, port = work / "treasury.db", new_secret(os.urandom(32)), free_port()
    treasury = serve(
        "deploy.treasury.app:create_app",
        port,
        {
            "TREASURY_ENVIRONMENT": "bench",
            "TREASURY_DATABASE_URL": f"sqlite:///{store}",
            "TREASURY_INSTRUCTION_SECRET": secret,
            "TREASURY_CALLBACK_SECRET": new_secret(os.urandom(32)),
            "TREASURY_STATIC_TOKEN": "unused",
            "TREASURY_CALLBACK_URL": "http://127.0.0.1:9/unused",
            "TREASURY_CALLBACK_MODE": "drop",
            "TREASURY_ACCEPT_DELAY_SECONDS": "86400",
            "TREASURY_LOG_LEVEL": "WARNING",
        },
        work / "treasury.log",
    )
    answers: Counter[int] = Counter()  # the answers to submissions (POST), by status code
    lock = threading.Lock()

    def answered(response: httpx.Response) -> None:
        if response.request.method == "POST":
            with lock:
                answers[response.status_code] += 1

    client = TreasuryClient(f"http://127.0.0.1:{port}", secret)
    client.http.event_hooks["response"].append(answered)
    statuses = StatusHandlers(AuditLog(platform_tables("finance").audit))
    statuses.register(InstructionKind.PAYROLL, lambda _session, _change: None)
    results: dict[tuple[int, int], list[dict[str, Any]]] = {s: [] for s in SETTINGS}
    tag = uuid.uuid4().hex[:6].upper()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", treasury)
        write_unsent(engine, f"BL{tag}-W", 40)  # a warm-up: connections, caches
        drain(Sender(for_writing(engine), engine, client, statuses), engine, f"BL{tag}-W", 40)
        for r in range(rounds):
            for c, d in SETTINGS:
                prefix = f"BL{tag}-C{c}D{d}R{r}"
                ids = write_unsent(engine, prefix, count)
                sender = Sender(for_writing(engine), engine, client, statuses)
                sender.concurrency, sender.drain_batches = c, d
                answers.clear()
                sandbox_cpu = cpu_seconds(treasury.pid)
                result = drain(sender, engine, prefix, count)
                result["sandbox_cpu_ms"] = (cpu_seconds(treasury.pid) - sandbox_cpu) * 1e3 / count
                result["exactly_once"] = check(engine, client, answers, store, ids)
                log(f"round {r + 1}, concurrency {c}, drain_batches {d}: {result}")
                results[(c, d)].append(result)
    finally:
        treasury.terminate()
        treasury.wait(30)
        client.close()
        engine.dispose()
        shutil.rmtree(work, ignore_errors=True)
    return summarise(url.split(":", 1)[0].split("+")[0], count, results)


def summarise(
    db: str, count: int, results: dict[tuple[int, int], list[dict[str, Any]]]
) -> dict[str, Any]:
    """Medians per setting; ratios against the old worker (the first setting): the send rate's
    is the median of each round's ratio (a round runs the settings one after the other)."""
    rows, old = [], results[SETTINGS[0]]
    for (c, d), runs in results.items():
        row = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "exactly_once"}
        # the old worker waits POLL_SECONDS between passes; the new one drains in one pass
        row["drain_s"] = (math.ceil(row["passes"]) - 1) * POLL_SECONDS + row["seconds"]
        ratios = [o["seconds"] / r["seconds"] for o, r in zip(old, runs, strict=True)]
        row.update(concurrency=c, drain_batches=d, per_s=count / row["seconds"])
        row["send_ratio"] = statistics.median(ratios)
        row["runs_not_once"] = sum(not r["exactly_once"] for r in runs)
        rows.append(row)
    for row in rows:
        row["drain_ratio"] = rows[0]["drain_s"] / row["drain_s"]
        row.update({k: round(v, 2) for k, v in row.items() if isinstance(v, float)})
    return {"database": db, "count": count, "rounds": len(old), "settings": rows}


def render(report: dict[str, Any]) -> str:
    lines = [
        f"{report['database']}, {report['count']} instructions, median of {report['rounds']}",
        "| concurrency, drain_batches | passes | send s | sent/s | × send rate | drain s "
        "(30-s passes) | × drain | finance CPU ms | sandbox CPU ms | exactly once |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in report["settings"]:
        lines.append(
            f"| {r['concurrency']}, {r['drain_batches']} | {r['passes']:g} | {r['seconds']:.2f} "
            f"| {r['per_s']:.0f} | ×{r['send_ratio']:.2f} | {r['drain_s']:.1f} "
            f"| ×{r['drain_ratio']:.1f} | {r['finance_cpu_ms']:.2f} | {r['sandbox_cpu_ms']:.2f} "
            f"| {'**NO**' if r['runs_not_once'] else 'yes'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--count", type=int, default=1340)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="400 instructions, one round")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    count, rounds = (400, 1) if args.quick else (args.count, args.rounds)
    log(f"load average {os.getloadavg()[0]:.2f} at start")
    if args.db == "postgres":
        with postgres_database(os.environ.get("BENCH_POSTGRES_URL", PG_ADMIN)) as pg_url:
            if pg_url is None:
                raise SystemExit("PostgreSQL does not answer (BENCH_POSTGRES_URL)")
            report = run(pg_url, count, rounds)
    else:
        report = run("", count, rounds)
    report["loadavg_at_end"] = os.getloadavg()[0]
    not_once = sum(r["runs_not_once"] for r in report["settings"])
    print(render(report), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        new, db = report["settings"][-1], report["database"]
        report.update(benchmark="treasury_backlog", machine=machine_facts())
        report["figures"] = [
            figure(f"backlog drained, new default, {db}", "s", new["drain_s"], None, "lower"),
            figure(f"drain time old / new, {db}", "×", new["drain_ratio"], None, "higher"),
            figure(f"send rate 4 / 1 at a time, {db}", "×", new["send_ratio"], None, "higher"),
            figure(f"runs with an instruction lost or sent twice, {db}", "", not_once, 0, "lower"),
        ]
        print(json.dumps(report))
    if not_once:
        raise SystemExit("AN INSTRUCTION MISSING OR SENT TWICE")


if __name__ == "__main__":
    main()
