"""Approve-and-submit 1,000 payments and ingest their callbacks, end to end over real HTTP.

Three processes: the finance service (uvicorn, its own database) and the treasury sandbox
(uvicorn, settling at once and calling finance back directly), plus this script, which plays
the finance officer and approver and serves the token keys (JWKS) finance checks against.

Steps: seed the demo books (31 units, budget lines, plans); raise N payment requests (timed
apart); then, with C requests in flight, approve and submit each one, and wait until every
payment is settled by the treasury's callbacks. Reported: payments per second end to end,
finance's CPU per settled payment (all five requests, raise included), and the checks that
nothing was posted twice at that rate — one journal entry per payment, their total equal to
the payments' total, the budget's ``paid`` equal to it too.

Without ``--database-url`` it runs on SQLite, then on a fresh PostgreSQL database when the
server at ``--postgres-admin-url`` answers, and counts the database round trips of a settled
payment on each in process (``bench/payment_steps.py``). ``--quick``: 48 payments a database
(about 30 s). ``--json``: one JSON object on stdout (the figures against the issue's targets),
the table on stderr. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

# run as a script, bench/ would come first on the path and bench/gateway.py would hide the
# gateway package: look in the repository root instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.suite import cpu_seconds, free_port, log, machine_facts  # noqa: E402
from gateway.keys import SigningKey  # noqa: E402
from services.finance import demo  # noqa: E402
from services.finance.main import SPEC  # noqa: E402
from shared.db import make_engine, unit_of_work  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.webhooks import new_secret  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ISSUER, AUDIENCE = "agency-suite-gateway", "agency-suite"
TARGET_CPU_MS = {"sqlite": 12.0, "postgresql": 20.0}  # finance CPU per settled payment
TARGET_SETTLED_PER_S = 60.0  # SQLite, 16 in flight
WARMUP = 16  # payments settled before the measured ones (not counted)


def payment_body(line: dict[str, Any], n: int) -> dict[str, Any]:
    """The ``n``-th benchmark payment request, drawn on budget ``line``."""
    return {
        "unit_id": line["unit_id"],
        "method": "direct",
        "appropriation_id": line["id"],
        "payee_name": f"Supplier {n % 97}",
        "payee_account": f"62220202{n:08d}",
        "payee_bank": "ICBC City Branch",
        "amount": f"{100 + n % 50}.{n % 100:02d}",
        "purpose": f"Office supplies, order {n}",
    }


def token(key: SigningKey, sub: str, *roles: str) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "roles": list(roles)}
    return key.sign({**claims, "iat": now, "nbf": now, "exp": now + 3600, "jti": sub})


@contextlib.contextmanager
def jwks_server(key: SigningKey) -> Iterator[str]:
    body = json.dumps(key.jwks()).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    finally:
        server.shutdown()


def serve(
    app: str, port: int, env: dict[str, str], log: Path, profile: str = ""
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", app, "--factory", "--port", str(port)]
    if profile:  # sample the process with py-spy (collapsed stacks, for flame graphs)
        command = [
            "py-spy",
            "record",
            "-r",
            "40",
            "--nonblocking",
            "-f",
            "raw",
            "-o",
            profile,
            "--",
            *command,
        ]
    command += ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url} exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise SystemExit(f"{url} did not become healthy")


async def run_load(
    base: str,
    officer: str,
    approver: str,
    payments: int,
    concurrency: int,
    *,
    warmup: int = 0,
    measure: Callable[[], None] = lambda: None,
) -> dict[str, Any]:
    """Raise, approve and submit ``warmup`` payments and wait until they settle (statement
    caches and the like warm), call ``measure``, then do the same for ``payments``."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http_client:
        as_officer = {"Authorization": f"Bearer {officer}"}
        as_approver = {"Authorization": f"Bearer {approver}"}
        lines = (
            await http_client.get(
                "/appropriations",
                params={"economic_class": "30201", "limit": 200},
                headers=as_officer,
            )
        ).json()["items"]
        gate = asyncio.Semaphore(concurrency)

        async def create(n: int) -> str:
            body = payment_body(lines[n % len(lines)], n)
            async with gate:
                response = await http_client.post("/payments", json=body, headers=as_officer)
            response.raise_for_status()
            return str(response.json()["id"])

        async def approve_and_submit(payment_id: str) -> None:
            async with gate:
                approved = await http_client.post(
                    f"/payments/{payment_id}/approve", headers=as_approver
                )
                approved.raise_for_status()
                submitted = await http_client.post(
                    f"/payments/{payment_id}/submit", headers=as_approver
                )
                submitted.raise_for_status()

        async def batch(first: int, count: int) -> dict[str, Any]:
            started = time.perf_counter()
            ids = await asyncio.gather(*(create(n) for n in range(first, first + count)))
            created_s = time.perf_counter() - started
            started = time.perf_counter()
            await asyncio.gather(*(approve_and_submit(i) for i in ids))
            submitted_s = time.perf_counter() - started
            while True:
                page = await http_client.get(
                    "/payments", params={"status": "settled", "limit": 1}, headers=as_officer
                )
                if page.json()["total"] >= first + count:
                    break
                if time.perf_counter() - started > 600:
                    raise SystemExit("payments did not all settle within 10 minutes")
                # (each look costs finance CPU too, counted in its figure: not too often)
                await asyncio.sleep(0.25)
            return {
                "ids": ids,
                "created_s": created_s,
                "submitted_s": submitted_s,
                "settled_s": time.perf_counter() - started,
            }

        warm = await batch(0, warmup) if warmup else {"ids": []}
        measure()
        result = await batch(warmup, payments)
        result["ids"] = warm["ids"] + result["ids"]
        return result


def verify(url: str, ids: list[str]) -> dict[str, Any]:
    """Count postings straight from the database: one entry per payment, nothing twice."""
    from sqlalchemy import func
    from sqlmodel import col, select

    from services.finance.budget.models import Appropriation
    from services.finance.ledger.models import JournalEntry, JournalLine
    from services.finance.payments.models import Payment
    from services.finance.treasury.models import CallbackReceipt
    from shared.types import Money

    engine = make_engine(url)
    with Session(engine) as session:
        entries = session.exec(
            select(func.count()).select_from(JournalEntry).where(JournalEntry.source == "payment")
        ).one()
        distinct = session.exec(
            select(func.count(func.distinct(JournalEntry.source_ref))).where(
                JournalEntry.source == "payment"
            )
        ).one()
        debits = session.exec(
            select(func.sum(JournalLine.debit, type_=Money()))
            .join(JournalEntry, col(JournalEntry.id) == JournalLine.entry_id)
            .where(JournalEntry.source == "payment")
        ).one()
        amounts = session.exec(
            select(func.sum(Payment.amount, type_=Money())).where(
                col(Payment.id).in_([uuid.UUID(i) for i in ids])
            )
        ).one()
        paid = session.exec(select(func.sum(Appropriation.paid, type_=Money()))).one()
        callbacks = session.exec(select(func.count()).select_from(CallbackReceipt)).one()
    engine.dispose()
    return {
        "payment_entries": int(entries),
        "distinct_payments_posted": int(distinct),
        "posted_total": str(debits),
        "payments_total": str(amounts),
        "budget_paid_total": str(paid),
        "callbacks_accepted": int(callbacks),
        "exactly_once": int(entries) == int(distinct) == len(ids)
        and Decimal(debits) == Decimal(amounts) == Decimal(paid),
    }


def run_once(
    url: str,
    payments: int,
    concurrency: int,
    callbacks: str,
    profile: str = "",
    warmup: int = WARMUP,
) -> dict[str, Any]:
    """One end-to-end run on the finance database at ``url`` (migrated and seeded here)."""
    work = Path(tempfile.mkdtemp(prefix="bench-finance-"))
    url = url or f"sqlite:///{work / 'finance.db'}"
    log(f"{url.split(':', 1)[0]}: migrating and seeding the demo books")
    upgrade(SPEC.migrations_dir, url, "finance")
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        demo.seed(session)
    engine.dispose()

    key = SigningKey.generate()
    officer = token(key, "bench-officer", "finance_officer")
    approver = token(key, "bench-approver", "finance_approver")
    instruction_secret, callback_secret = new_secret(os.urandom(32)), new_secret(os.urandom(32))
    finance_port, treasury_port = free_port(), free_port()
    finance_url = f"http://127.0.0.1:{finance_port}"
    treasury_url = f"http://127.0.0.1:{treasury_port}"
    with jwks_server(key) as jwks:
        finance = serve(
            "services.finance.main:create_app",
            finance_port,
            {
                "FINANCE_DATABASE_URL": url,
                "FINANCE_JWKS_URL": jwks,
                "FINANCE_TREASURY_URL": treasury_url,
                "FINANCE_TREASURY_INSTRUCTION_SECRET": instruction_secret,
                "FINANCE_TREASURY_CALLBACK_SECRET": callback_secret,
                "FINANCE_LOG_LEVEL": "WARNING",
            },
            work / "finance.log",
            profile,
        )
        treasury = serve(
            "deploy.treasury.app:create_app",
            treasury_port,
            {
                "TREASURY_DATABASE_URL": f"sqlite:///{work / 'treasury.db'}",
                "TREASURY_INSTRUCTION_SECRET": instruction_secret,
                "TREASURY_CALLBACK_SECRET": callback_secret,
                "TREASURY_CALLBACK_URL": f"{finance_url}/treasury/callbacks",
                "TREASURY_STATIC_TOKEN": token(key, "service:treasury", "treasury"),
                "TREASURY_ACCEPT_DELAY_SECONDS": "0",
                "TREASURY_SETTLE_DELAY_SECONDS": "0",
                "TREASURY_CALLBACK_MODE": callbacks,
                "TREASURY_LOG_LEVEL": "WARNING",
            },
            work / "treasury.log",
        )
        try:
            wait_healthy(f"{finance_url}/healthz", finance)
            wait_healthy(f"{treasury_url}/healthz", treasury)
            log(f"servers up; {warmup} payments to warm up, then {payments} measured")
            cpu_before = [0.0, 0.0]

            def measure() -> None:
                cpu_before[:] = cpu_seconds(finance.pid), cpu_seconds(treasury.pid)

            result = asyncio.run(
                run_load(
                    finance_url,
                    officer,
                    approver,
                    payments,
                    concurrency,
                    warmup=warmup,
                    measure=measure,
                )
            )
            cpu_after = cpu_seconds(finance.pid), cpu_seconds(treasury.pid)
        finally:
            for process in (finance, treasury):
                # py-spy writes its profile on SIGINT; uvicorn stops on it as well
                process.send_signal(signal.SIGINT)
            for process in (finance, treasury):
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:  # stuck on requests in flight: no leftovers
                    process.kill()
                    process.wait()
    log("all settled; checking the postings")
    checks = verify(url, result.pop("ids"))
    n = payments
    return {
        "url": url,
        "payments": n,
        "concurrency": concurrency,
        "database": url.split(":", 1)[0],
        "callbacks": callbacks,
        "create_per_s": round(n / result["created_s"], 1),
        "approve_submit_per_s": round(n / result["submitted_s"], 1),
        "end_to_end_per_s": round(n / result["settled_s"], 1),
        "end_to_end_s": round(result["settled_s"], 2),
        "finance_cpu_ms_per_payment": round((cpu_after[0] - cpu_before[0]) * 1000 / n, 2),
        "treasury_cpu_ms_per_payment": round((cpu_after[1] - cpu_before[1]) * 1000 / n, 2),
        **checks,
    }


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str | None]:
    """A new, empty PostgreSQL database for one run (dropped afterwards); None when the server
    does not answer."""
    import psycopg

    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=2)
    except psycopg.Error:
        yield None
        return
    name = f"bench_payments_{uuid.uuid4().hex[:8]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        try:
            yield admin_url.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def round_trips(url: str, payments: int) -> float:
    """Database round trips per settled payment, counted in process (``payment_steps``) on
    the books a run left (migrated and seeded)."""
    from bench import payment_steps

    log(f"{url.split(':', 1)[0]}: counting round trips in process")
    args = argparse.Namespace(
        payments=payments, warmup=3, database_url=url, top=0, profile=False, json=True
    )
    report = asyncio.run(payment_steps.run(args))
    return float(report["total_round_trips"])


def figure(name: str, unit: str, value: float | None, target: float | None, better: str) -> dict:
    met = None
    if value is not None and target is not None:
        met = value <= target if better == "lower" else value >= target
    return {
        "figure": name,
        "unit": unit,
        "value": value,
        "target": target,
        "better": better,
        "met": met,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--database-url",
        default="",
        help="one run on this finance database (else SQLite, then "
        "a fresh PostgreSQL database when the server answers)",
    )
    parser.add_argument(
        "--postgres-admin-url",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--callbacks", default="deliver", choices=("deliver", "duplicate"))
    parser.add_argument("--quick", action="store_true", help="48 payments a database (about 30 s)")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--profile", default="", help="py-spy the finance process into FILE")
    args = parser.parse_args()
    payments = 48 if args.quick else args.payments
    warmup = 8 if args.quick else WARMUP
    counted = 6 if args.quick else 50  # payments driven in process to count round trips

    runs: list[dict[str, Any]] = []
    trips: dict[str, float] = {}
    if args.database_url:
        runs.append(
            run_once(
                args.database_url, payments, args.concurrency, args.callbacks, args.profile, warmup
            )
        )
    else:
        runs.append(run_once("", payments, args.concurrency, args.callbacks, args.profile, warmup))
        trips["sqlite"] = round_trips(runs[-1]["url"], counted)
        if not args.no_postgres:
            with postgres_database(args.postgres_admin_url) as pg_url:
                if pg_url is not None:
                    runs.append(
                        run_once(pg_url, payments, args.concurrency, args.callbacks, "", warmup)
                    )
                    trips["postgresql"] = round_trips(pg_url, counted)

    by_db = {r["database"].split("+")[0]: r for r in runs}
    sqlite, postgres = by_db.get("sqlite"), by_db.get("postgresql")
    figures = [
        figure(
            "finance CPU per settled payment, SQLite",
            "ms",
            sqlite and sqlite["finance_cpu_ms_per_payment"],
            TARGET_CPU_MS["sqlite"],
            "lower",
        ),
        figure(
            "finance CPU per settled payment, PostgreSQL",
            "ms",
            postgres and postgres["finance_cpu_ms_per_payment"],
            TARGET_CPU_MS["postgresql"],
            "lower",
        ),
        figure(
            f"settled payments per second at {args.concurrency} in flight, SQLite",
            "/s",
            sqlite and sqlite["end_to_end_per_s"],
            TARGET_SETTLED_PER_S,
            "higher",
        ),
        figure(
            "database round trips per settled payment, SQLite",
            "round trips",
            trips.get("sqlite"),
            None,
            "lower",
        ),
        figure(
            "database round trips per settled payment, PostgreSQL",
            "round trips",
            trips.get("postgresql"),
            None,
            "lower",
        ),
    ]
    table = render(runs, figures)
    if args.json:
        print(table, file=sys.stderr)
        print(
            json.dumps(
                {
                    "benchmark": "finance_payments",
                    "figures": figures,
                    "runs": [{k: v for k, v in r.items() if k != "url"} for r in runs],
                    "machine": machine_facts(),
                }
            )
        )
    else:
        print(table)
    if not all(r["exactly_once"] for r in runs):
        raise SystemExit("DOUBLE OR MISSING POSTING")


def render(runs: list[dict[str, Any]], figures: list[dict[str, Any]]) -> str:
    lines = [
        "| database | callbacks | raise /s | settled /s | finance CPU ms | sandbox CPU ms "
        "| entries / distinct / callbacks | totals agree |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in runs:
        lines.append(
            f"| {r['database']} | {r['callbacks']} | {r['create_per_s']} "
            f"| {r['end_to_end_per_s']} ({r['end_to_end_s']} s) "
            f"| {r['finance_cpu_ms_per_payment']} | {r['treasury_cpu_ms_per_payment']} "
            f"| {r['payment_entries']} / {r['distinct_payments_posted']} / "
            f"{r['callbacks_accepted']} | {'yes' if r['exactly_once'] else 'NO'} |"
        )
    lines += ["", "| figure | now | target | met |", "| --- | ---: | ---: | --- |"]
    for f in figures:
        value = "—" if f["value"] is None else f"{f['value']} {f['unit']}"
        target = "—" if f["target"] is None else f"{f['target']} {f['unit']}"
        met = {True: "**met**", False: "not met", None: ""}[f["met"]]
        lines.append(f"| {f['figure']} | {value} | {target} | {met} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
