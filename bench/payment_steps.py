"""Where a settled payment's CPU goes, step by step, in one process (no server, no sandbox).

    .venv/bin/python bench/payment_steps.py [--payments 200] [--database-url URL] [--top 12]

The finance app is driven through its ASGI interface (httpx ``ASGITransport``) with every
sync route and dependency run inline on the calling thread instead of a worker thread, so
``cProfile`` and ``time.process_time`` see all of a step's work. The treasury is a stub
transport that answers ``received``; the ``accepted`` and ``settled`` callbacks are signed and
posted as the sandbox would. For each step (raise, approve, submit with its send, the two
callbacks) it reports the CPU per call (median), the database round trips per call — each
statement the driver executes, plus BEGIN (PostgreSQL), COMMIT, ROLLBACK and the pool's
ping — and the top frames by own time and by cumulative time inside the project.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run as a script, bench/ would come first on the path, and bench/profile.py would hide the
# standard library's profile module (which cProfile imports): the repository root instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Awaitable, Callable  # noqa: E402
from typing import Any  # noqa: E402

import anyio.to_thread  # noqa: E402
import httpx  # noqa: E402
from sqlalchemy import Engine, event  # noqa: E402

from bench.finance_payments import payment_body  # noqa: E402
from gateway.keys import SigningKey  # noqa: E402
from services.finance import demo  # noqa: E402
from services.finance.config import FinanceSettings  # noqa: E402
from services.finance.main import SPEC, create_app  # noqa: E402
from shared.auth import TokenVerifier  # noqa: E402
from shared.db import make_engine, unit_of_work  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.types import today  # noqa: E402
from shared.webhooks import new_secret, sign  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ISSUER, AUDIENCE = "agency-suite-gateway", "agency-suite"
STEPS = ("raise", "approve", "submit", "accepted", "settled")


def token(key: SigningKey, sub: str, *roles: str) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "roles": list(roles)}
    return key.sign({**claims, "iat": now, "nbf": now, "exp": now + 3600, "jti": sub})


async def _inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
    return func(*args)


class RoundTrips:
    """Counts what goes to the database server: statements, BEGIN, COMMIT, ROLLBACK, pings."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.kinds: Counter[str] = Counter()
        postgres = engine.dialect.name == "postgresql"

        def bump(kind: str) -> None:
            self.count += 1
            self.kinds[kind] += 1

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            bump(statement.split(None, 1)[0].upper())

        if postgres:  # psycopg sends BEGIN itself before the first statement

            @event.listens_for(engine, "begin")
            def _begin(_conn: Any) -> None:
                bump("BEGIN")

        @event.listens_for(engine, "commit")
        def _commit(_conn: Any) -> None:
            bump("COMMIT")

        @event.listens_for(engine, "rollback")
        def _rollback(_conn: Any) -> None:
            bump("ROLLBACK")

        if engine.pool._pre_ping:  # type: ignore[attr-defined]

            @event.listens_for(engine, "engine_connect")
            def _ping(_conn: Any) -> None:
                bump("PING")


def top_frames(profile: cProfile.Profile, calls: int, n: int) -> dict[str, list[str]]:
    stats = pstats.Stats(profile)
    rows = stats.stats  # type: ignore[attr-defined]

    def label(key: tuple[str, int, str]) -> str:
        file, line, func = key
        short = file.replace(str(ROOT) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        return f"{func} ({short}:{line})"

    own = sorted(rows.items(), key=lambda kv: kv[1][2], reverse=True)[:n]
    project = [
        kv
        for kv in rows.items()
        if str(ROOT) in kv[0][0] and "/.venv/" not in kv[0][0] and "bench/" not in kv[0][0]
    ]
    cumulative = sorted(project, key=lambda kv: kv[1][3], reverse=True)[:n]
    return {
        "own": [f"{v[2] * 1000 / calls:6.2f} ms  {label(k)}" for k, v in own],
        "cumulative": [f"{v[3] * 1000 / calls:6.2f} ms  {label(k)}" for k, v in cumulative],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-steps-"))
    url = args.database_url or f"sqlite:///{work / 'finance.db'}"
    upgrade(SPEC.migrations_dir, url, "finance")  # (at head already: nothing to do)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        demo.seed(session)
    key = SigningKey.generate()

    async def jwks() -> dict[str, Any]:
        return key.jwks()

    callback_secret = new_secret(os.urandom(32))
    settings = FinanceSettings(
        treasury_url="http://treasury.invalid",
        treasury_callback_secret=callback_secret,
        log_level="WARNING",
    )
    app = create_app(
        settings,
        engine=engine,
        verifier=TokenVerifier(issuer=ISSUER, audience=AUDIENCE, fetch_jwks=jwks),
        run_relay=False,
        access_log=False,
    )

    def treasury(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        return httpx.Response(
            202, json={"instruction_id": body["instruction_id"], "status": "received"}
        )

    app.state.treasury_client.http = httpx.Client(
        base_url="http://treasury.invalid", transport=httpx.MockTransport(treasury)
    )
    threaded = anyio.to_thread.run_sync
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    try:
        return await _drive(args, app, engine, key, callback_secret)
    finally:
        anyio.to_thread.run_sync = threaded
        engine.dispose()


async def _drive(
    args: argparse.Namespace, app: Any, engine: Engine, key: SigningKey, callback_secret: str
) -> dict[str, Any]:
    trips = RoundTrips(engine)
    officer = {"Authorization": f"Bearer {token(key, 'bench-officer', 'finance_officer')}"}
    approver = {"Authorization": f"Bearer {token(key, 'bench-approver', 'finance_approver')}"}
    as_treasury = {"Authorization": f"Bearer {token(key, 'service:treasury', 'treasury')}"}
    cpu: dict[str, list[float]] = {s: [] for s in STEPS}
    round_trips: dict[str, list[int]] = {s: [] for s in STEPS}
    kinds: dict[str, Counter[str]] = {s: Counter() for s in STEPS}
    profiles = {s: cProfile.Profile() for s in STEPS}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://finance") as client:
        lines = (
            await client.get(
                "/appropriations",
                params={"economic_class": "30201", "limit": 200},
                headers=officer,
            )
        ).json()["items"]

        async def step(name: str, call: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
            before_trips, before_kinds = trips.count, Counter(trips.kinds)
            profile = profiles[name] if args.profile else None
            started = time.process_time()
            if profile is not None:
                profile.enable()
            response = await call()
            if profile is not None:
                profile.disable()
            cpu[name].append(time.process_time() - started)
            round_trips[name].append(trips.count - before_trips)
            kinds[name].update(trips.kinds - before_kinds)
            if response.status_code >= 300:
                raise SystemExit(f"{name}: {response.status_code} {response.text}")
            return response

        def callback(instruction_id: str, status: str) -> Callable[[], Awaitable[httpx.Response]]:
            body: dict[str, Any] = {
                "type": "payment.status",
                "instruction_id": instruction_id,
                "status": status,
            }
            if status == "settled":
                body["settled_on"] = today().isoformat()  # the bureau's day, as the sandbox says
            raw = json.dumps(body).encode()
            headers = {
                **as_treasury,
                "content-type": "application/json",
                **sign(callback_secret, f"msg_{uuid.uuid4().hex}", raw),
            }
            return lambda: client.post("/treasury/callbacks", content=raw, headers=headers)

        for n in range(args.payments + args.warmup):
            body = payment_body(lines[n % len(lines)], n)
            if n == args.warmup:  # what the warm-up did is not counted
                for s in STEPS:
                    cpu[s].clear()
                    round_trips[s].clear()
                    kinds[s].clear()
                    profiles[s] = cProfile.Profile()
            created = await step(
                "raise", lambda b=body: client.post("/payments", json=b, headers=officer)
            )
            pid = created.json()["id"]
            await step(
                "approve", lambda p=pid: client.post(f"/payments/{p}/approve", headers=approver)
            )
            submitted = await step(
                "submit", lambda p=pid: client.post(f"/payments/{p}/submit", headers=approver)
            )
            instruction = submitted.json()["instruction_id"]
            if submitted.json()["status"] != "submitted":
                raise SystemExit(f"submit: {submitted.json()['status']}")
            await step("accepted", callback(instruction, "accepted"))
            await step("settled", callback(instruction, "settled"))
    calls = args.payments
    report: dict[str, Any] = {
        "database": engine.dialect.name,
        "payments": calls,
        "steps": {},
    }
    for s in STEPS:
        entry: dict[str, Any] = {
            "cpu_ms_median": round(statistics.median(cpu[s]) * 1000, 3),
            "cpu_ms_mean": round(statistics.fmean(cpu[s]) * 1000, 3),
            "round_trips": round(statistics.fmean(round_trips[s]), 2),
            "by_kind": {k: round(v / calls, 2) for k, v in sorted(kinds[s].items())},
        }
        if args.profile:
            entry["top"] = top_frames(profiles[s], calls, args.top)
        report["steps"][s] = entry
    report["total_cpu_ms_median"] = round(
        sum(report["steps"][s]["cpu_ms_median"] for s in STEPS), 3
    )
    report["total_round_trips"] = round(sum(report["steps"][s]["round_trips"] for s in STEPS), 2)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--database-url", default="", help="finance database (default: new SQLite)")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    if args.json:
        print(json.dumps(report))
        return
    print(f"{report['database']}: {report['payments']} payments")
    for name, s in report["steps"].items():
        print(
            f"\n== {name}: {s['cpu_ms_median']:.2f} ms CPU (median), "
            f"{s['round_trips']} round trips {s['by_kind']}"
        )
        for kind in ("own", "cumulative"):
            for line in s.get("top", {}).get(kind, []):
                print(f"   [{kind[:3]}] {line}")
    print(
        f"\ntotal: {report['total_cpu_ms_median']:.2f} ms CPU, "
        f"{report['total_round_trips']} round trips per settled payment"
    )


if __name__ == "__main__":
    main()
