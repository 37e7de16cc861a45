"""How long a month's depreciation takes over 100,000 asset cards, posting to finance included.

Seeds a fresh assets database with N cards (default 100,000) of 31 units over the depreciable
GB/T 14885 categories, acquired 2014–2026 at 500.00–80,000.00, a few disposed, and a finance
database with the 31 budget units. Then, in process over ASGI (the apps' own cost, no sockets):

1. ``POST /depreciation/runs {"period": "2026-11"}`` as the asset officer: the run reads every
   card, charges it, writes the cards, the charges and one outbox event per unit;
2. the assets outbox relay delivers the 31 ``depreciation.posted`` events to finance's
   ``/events`` (as ``service:assets``), which posts one journal entry per unit, and the
   write-offs (``asset.disposed``) of the cards disposed of in November (about 180; those
   disposed of earlier are seeded as written off), one entry each.

The figure is the wall time of both (target 5 s). It then checks the books: one entry per
unit, their total equal to the run's, and a second run of the month answered 200 with
nothing new. ``--db postgres`` uses throwaway databases on 127.0.0.1:5432 (user postgres).
See bench/README.md, "Assets: a month's depreciation of 100,000 cards".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

# run as a script, bench/ would come first on the path and bench/gateway.py would hide the
# gateway package: look in the repository root instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from gateway.keys import SigningKey  # noqa: E402
from services.assets.config import AssetsSettings  # noqa: E402
from services.assets.depreciation.models import WriteOff  # noqa: E402
from services.assets.main import SPEC as ASSETS  # noqa: E402
from services.assets.main import create_app as assets_app  # noqa: E402
from services.assets.register.models import Asset  # noqa: E402
from services.finance.config import FinanceSettings  # noqa: E402
from services.finance.ledger.models import JournalEntry, JournalLine  # noqa: E402
from services.finance.main import SPEC as FINANCE  # noqa: E402
from services.finance.main import create_app as finance_app  # noqa: E402
from shared.auth import TokenVerifier  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.outbox import OutboxRelay  # noqa: E402
from shared.peers import PeerClient  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_SECONDS = 5.0
PERIOD = "2026-11"
UNITS = 31
# depreciable categories of the seeded chart, weighted towards what an agency has most of
CATEGORIES = [
    ("2010100", 30),  # computers, 6 years
    ("2020000", 20),  # office equipment, 6
    ("6010000", 20),  # furniture, 15
    ("2310000", 8),  # communication, 5
    ("2200000", 8),  # electrical, 5
    ("2030000", 4),  # vehicles, 8
    ("6020000", 6),  # utensils and fittings, 5
    ("1020200", 2),  # reinforced-concrete buildings, 50
    ("2400000", 2),  # instruments, 5
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Tokens:
    """A signing key standing in for the gateway, and the tokens the bench uses."""

    def __init__(self) -> None:
        self.key = SigningKey.generate()

    def verifier(self) -> TokenVerifier:
        async def jwks() -> dict[str, Any]:
            return self.key.jwks()

        return TokenVerifier(
            issuer="agency-suite-gateway", audience="agency-suite", fetch_jwks=jwks
        )

    def token(self, role: str, sub: str = "bench") -> str:
        now = int(time.time())
        return self.key.sign(
            {
                "iss": "agency-suite-gateway",
                "aud": "agency-suite",
                "sub": sub,
                "roles": [role],
                "iat": now,
                "exp": now + 3600,
                "jti": uuid.uuid4().hex,
            }
        )


class PeerToken:
    """The relay's ``TokenSource``: a service token of assets."""

    def __init__(self, tokens: Tokens) -> None:
        self._token = tokens.token("service", "service:assets")

    async def token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        pass


def cards(count: int, units: list[uuid.UUID], seed: int = 11) -> Iterator[dict[str, Any]]:
    """``count`` cards as rows of ``assets_asset``, reproducibly random."""
    rng = random.Random(seed)
    codes = [code for code, _ in CATEGORIES]
    weights = [w for _, w in CATEGORIES]
    start = date(2014, 1, 1)
    now = Asset(
        number="x",
        category_code="x",
        name="x",
        unit_id=uuid.uuid4(),
        acquired_on=start,
        original_value=Decimal(0),
        value=Decimal(0),
        fund_source="fiscal",
    ).created_at
    for n in range(count):
        acquired = start + timedelta(days=rng.randrange(0, 4650))  # to mid-2026
        value = Decimal(rng.randrange(50_000, 8_000_000)) / 100
        disposed = rng.random() < 0.02
        yield {
            "id": uuid.uuid4(),
            "number": f"B{n:09d}",
            "category_code": rng.choices(codes, weights)[0],
            "name": "Bench asset",
            "unit_id": units[n % len(units)],
            "acquired_on": acquired,
            "original_value": value,
            "value": value,
            "accumulated_depreciation": Decimal("0.00"),
            "depreciated_months": 0,
            "fund_source": "fiscal",
            "status": "disposed" if disposed else "in_use",
            "disposed_on": date(2026, rng.randrange(1, 12), 1) if disposed else None,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }


def seed_assets(url: str, count: int, units: list[uuid.UUID]) -> None:
    """The cards; those disposed of before November as written off already (a month's run
    writes off only the month's disposals, as it would in steady use)."""
    engine = make_engine(url)
    table: Any = Asset.__table__  # type: ignore[attr-defined]
    written_off: Any = WriteOff.__table__  # type: ignore[attr-defined]
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for row in cards(count, units):
            batch.append(row)
            if len(batch) == 10_000:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
        a = table.c
        conn.execute(
            insert(written_off).from_select(
                ["asset_id", "disposed_on", "value", "accumulated_depreciation", "written_at"],
                select(
                    a.id, a.disposed_on, a.value, a.accumulated_depreciation, a.updated_at
                ).where(a.status == "disposed", a.disposed_on < date(2026, 11, 1)),
            )
        )
    engine.dispose()


@contextlib.contextmanager
def databases(db: str) -> Iterator[tuple[str, str]]:
    """Fresh assets and finance databases (SQLite files, or throwaway PostgreSQL ones)."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'assets.db'}", f"sqlite:///{Path(tmp) / 'finance.db'}"
        return
    names = [f"bench_depreciation_{kind}_{os.getpid()}" for kind in ("assets", "finance")]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN.rsplit("/", 1)[0]
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def measure(assets_url: str, finance_url: str, count: int) -> dict[str, Any]:
    tokens = Tokens()
    units = [uuid.UUID(int=0xBE00 + n) for n in range(UNITS)]
    upgrade(ASSETS.migrations_dir, assets_url, "assets")
    upgrade(FINANCE.migrations_dir, finance_url, "finance")
    started = time.perf_counter()
    seed_assets(assets_url, count, units)
    log(f"seeded {count:,} cards in {time.perf_counter() - started:.1f} s")

    assets = assets_app(
        AssetsSettings(database_url=assets_url, log_level="WARNING"),
        verifier=tokens.verifier(),
        run_relay=False,
        access_log=False,
    )
    finance = finance_app(
        FinanceSettings(
            database_url=finance_url, treasury_url="http://127.0.0.1:9", log_level="WARNING"
        ),
        verifier=tokens.verifier(),
        run_relay=False,
        access_log=False,
    )
    officer = {"Authorization": f"Bearer {tokens.token('asset_officer')}"}
    async with (
        assets.router.lifespan_context(assets),
        finance.router.lifespan_context(finance),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=finance), base_url="http://finance"
        ) as to_finance,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=assets), base_url="http://assets"
        ) as to_assets,
    ):
        fo = {"Authorization": f"Bearer {tokens.token('finance_officer')}"}
        for n, unit in enumerate(units):
            body = {
                "id": str(unit),
                "code": f"B{n:02d}",
                "name": f"Bench unit {n}",
                "zba_account": f"ZBA-B{n:02d}",
                "zba_bank": "Agent Bank",
            }
            (await to_finance.post("/budget-units", json=body, headers=fo)).raise_for_status()
        peer = PeerClient(
            "finance", "http://finance", to_finance, PeerToken(tokens), timeout=60, retries=0
        )
        relay = OutboxRelay(assets.state.engine, assets.state.outbox, {"finance": peer})

        wall, cpu = time.perf_counter(), time.process_time()
        response = await to_assets.post(
            "/depreciation/runs", json={"period": PERIOD}, headers=officer
        )
        assert response.status_code == 201, response.text
        run_wall = time.perf_counter() - wall
        delivered = 0
        while sent := await relay.deliver_due():  # a pass takes up to 100 events
            delivered += sent
        total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
        run = response.json()

        again = await to_assets.post("/depreciation/runs", json={"period": PERIOD}, headers=officer)
        assert again.status_code == 200, again.text
        assert again.json()["id"] == run["id"], "the month's run, answered again"
        assert await relay.deliver_due() == 0, "a second run queues nothing"
    with Session(make_engine(finance_url)) as session:
        entries, posted = session.execute(
            select(func.count(func.distinct(JournalEntry.id)), func.sum(JournalLine.debit))
            .select_from(JournalEntry)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalEntry.source == "depreciation")
        ).one()
        write_offs = session.execute(
            select(func.count()).where(JournalEntry.source == "asset_disposal")
        ).scalar_one()
    posted_total = posted or Decimal("0.00")  # the column's type: yuan
    agree = (
        entries == run["units"]
        and delivered == entries + write_offs
        and f"{posted_total:.2f}" == run["total"]
    )
    log(
        f"{run['assets']:,} cards charged {run['total']} for {PERIOD} over {run['units']} units, "
        f"{write_offs} disposed cards written off: run {run_wall:.2f} s, with posting "
        f"{total_wall:.2f} s wall, {total_cpu:.2f} s CPU; {delivered} events, {entries} entries "
        f"posting {posted_total:.2f}: {'agree' if agree else 'DISAGREE'}"
    )
    if not agree:
        raise SystemExit("the books disagree with the run")
    return {
        "cards": count,
        "charged": run["assets"],
        "run_seconds": run_wall,
        "total_seconds": total_wall,
        "cpu_seconds": total_cpu,
        "entries": entries,
        "write_offs": write_offs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="10,000 cards")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    args = parser.parse_args()
    count = 10_000 if args.quick else args.assets
    with databases(args.db) as (assets_url, finance_url):
        result = asyncio.run(measure(assets_url, finance_url, count))
    seconds = round(result["total_seconds"], 2)
    figure = {
        "figure": f"Depreciation of {count:,} cards posted to finance ({args.db})",
        "unit": "s",
        "value": seconds,
        "target": TARGET_SECONDS if count >= 100_000 else None,
        "better": "lower",
        "met": seconds <= TARGET_SECONDS if count >= 100_000 else None,
    }
    if args.json:
        print(json.dumps({"benchmark": "assets depreciation", "figures": [figure]}))


if __name__ == "__main__":
    main()
