"""How fast a stocktake takes its scans: 20,000 scans posted in batches of 500.

Seeds a fresh assets database (SQLite, or a throwaway PostgreSQL database with ``--db
postgres``) with one compound of 200 rooms and N cards of one unit (default 20,000), plans and
starts a campaign over the unit through the app (freezing the expected list), then posts the
scans through the app (ASGI, in process, one request at a time, as a mobile client uploads):
18,000 cards scanned in their rooms, 1,000 elsewhere, 1,000 left missing and 1,000 tags with no
card. It posts every batch a second time (each scan repeated: nothing may change), then reads
the summary, a page of the missing, reconciles and exports the XLSX report. Bounded: one pass.
See bench/README.md, "Assets: a stocktake's 20,000 scans".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# run as a script, bench/ would come first on the path and bench/gateway.py would hide the
# gateway package: look in the repository root instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.personnel_bulk import token  # noqa: E402
from gateway.keys import SigningKey  # noqa: E402
from services.assets.config import AssetsSettings  # noqa: E402
from services.assets.main import SPEC, create_app  # noqa: E402
from services.assets.realestate.models import Building, Compound, Floor, Room  # noqa: E402
from services.assets.register.models import Asset  # noqa: E402
from shared.auth import TokenVerifier  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_S = 3.0
BATCH = 500
ROOMS = 200
UNIT = uuid.UUID("5e1f0000-0000-4000-8000-000000000001")


def log(text: str) -> None:
    print(text, file=sys.stderr)


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, migrated assets database: a temporary SQLite file, or ``bench_stocktake_<pid>``
    on the local PostgreSQL, dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'assets.db'}"
            upgrade(SPEC.migrations_dir, url, "assets")
            yield url
        return
    name = f"bench_stocktake_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(SPEC.migrations_dir, url, "assets")
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(url: str, cards: int) -> list[tuple[str, uuid.UUID]]:
    """One compound, one building, ``ROOMS`` rooms on 10 floors, ``cards`` cards of ``UNIT``
    spread over them; the (number, room) of each card."""
    engine = make_engine(url)
    compound, building = uuid.uuid4(), uuid.uuid4()
    floors = [uuid.uuid4() for _ in range(10)]
    rooms = [uuid.uuid4() for _ in range(ROOMS)]
    placed = [(f"B{i:07d}", rooms[i % ROOMS]) for i in range(cards)]
    with engine.begin() as conn:
        conn.execute(
            insert(Compound.__table__),  # type: ignore[attr-defined]
            [
                dict(
                    id=compound,
                    code="BENCH",
                    name="Bench",
                    name_zh="基准",
                    address="1 Road",
                    land_area_m2=1000,
                )
            ],
        )
        conn.execute(
            insert(Building.__table__),  # type: ignore[attr-defined]
            [
                dict(
                    id=building,
                    code="BENCH-B1",
                    compound_id=compound,
                    name="Block",
                    kind="office",
                    gross_floor_area_m2=9000,
                )
            ],
        )
        conn.execute(
            insert(Floor.__table__),  # type: ignore[attr-defined]
            [
                dict(id=f, building_id=building, level=i + 1, name=f"{i + 1}F")
                for i, f in enumerate(floors)
            ],
        )
        conn.execute(
            insert(Room.__table__),  # type: ignore[attr-defined]
            [
                dict(
                    id=r,
                    code=f"BENCH-{i:04d}",
                    compound_id=compound,
                    building_id=building,
                    floor_id=floors[i % 10],
                    number=f"{i:04d}",
                    use="office",
                    area_m2=20,
                    seats=2,
                    unit_id=UNIT,
                )
                for i, r in enumerate(rooms)
            ],
        )
        conn.execute(
            insert(Asset.__table__),  # type: ignore[attr-defined]
            [
                dict(
                    id=uuid.uuid4(),
                    number=number,
                    category_code="2010100",
                    name="Computer",
                    unit_id=UNIT,
                    room_id=room,
                    acquired_on=date(2024, 3, 1),
                    original_value=6000,
                    value=6000,
                    fund_source="fiscal",
                    status="in_use",
                )
                for number, room in placed
            ],
        )
    engine.dispose()
    return placed


def the_scans(placed: list[tuple[str, uuid.UUID]]) -> list[dict[str, Any]]:
    """Every card scanned once but the last 1,000 (missing); 1,000 of them in the wrong room;
    1,000 tags with no card (surplus)."""
    at = datetime.now(UTC) - timedelta(hours=1)
    scanned = placed[:-1000]
    rooms = sorted({room for _, room in placed})
    scans = []
    for i, (number, room) in enumerate(scanned):
        where = rooms[(rooms.index(room) + 1) % len(rooms)] if i < 1000 else room
        scans.append((number, where))
    scans += [(f"NEW{i:06d}", rooms[i % len(rooms)]) for i in range(1000)]
    return [
        {
            "scan_id": str(uuid.uuid4()),
            "tag": tag,
            "room_id": str(room),
            "counter": f"counter {i % 8}",
            "scanned_at": (at + timedelta(milliseconds=i)).isoformat(),
        }
        for i, (tag, room) in enumerate(scans)
    ]


def figure(name: str, unit: str, value: float, target: float | None = None) -> dict[str, Any]:
    return {
        "figure": name,
        "unit": unit,
        "value": round(value, 3),
        "target": target,
        "better": "lower",
        "met": None if target is None else value <= target,
    }


async def timed(client: httpx.AsyncClient, method: str, url: str, **kw: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    answer = await client.request(method, url, **kw)
    answer.raise_for_status()
    return answer, time.perf_counter() - started


async def run(url: str, cards: int, kind: str) -> list[dict[str, Any]]:
    started = time.perf_counter()
    placed = seed(url, cards)
    log(f"{kind}: seeded {cards} cards in {ROOMS} rooms in {time.perf_counter() - started:.1f} s")
    scans = the_scans(placed)
    key = SigningKey.generate()

    async def jwks() -> dict[str, Any]:
        return key.jwks()

    verifier = TokenVerifier(
        issuer="agency-suite-gateway", audience="agency-suite", fetch_jwks=jwks
    )
    app = create_app(
        AssetsSettings(database_url=url, log_level="WARNING"),
        verifier=verifier,
        run_relay=False,
        access_log=False,
    )
    headers = {"Authorization": f"Bearer {token(key, 'asset_officer')}"}
    figures = []
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=transport, base_url="http://assets", headers=headers, timeout=60
        ) as client,
    ):
        plan = {
            "name": "Bench stocktake",
            "scope": "unit",
            "unit_id": str(UNIT),
            "planned_start": "2026-11-01",
            "planned_end": "2026-12-31",
        }
        made = (await client.post("/stocktakes", json=plan)).json()
        base = f"/stocktakes/{made['id']}"
        answer, took = await timed(client, "POST", f"{base}/start")
        log(f"{kind}: start froze {answer.json()['expected_count']} cards in {took * 1000:.0f} ms")
        figures.append(figure(f"{kind}: start (freeze {cards} cards)", "ms", took * 1000))
        for label in ("first", "repeat"):
            new = 0
            wall, cpu = time.perf_counter(), time.process_time()
            for i in range(0, len(scans), BATCH):
                answer = await client.post(f"{base}/scans", json={"scans": scans[i : i + BATCH]})
                answer.raise_for_status()
                new += answer.json()["new"]
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            requests = -(-len(scans) // BATCH)
            log(
                f"{kind}: {len(scans)} scans ({label} post, {new} new) in {requests} batches: "
                f"{wall:.2f} s wall, {cpu:.2f} s CPU, {wall / requests * 1000:.1f} ms a batch"
            )
            figures.append(
                figure(
                    f"{kind}: {len(scans)} scans in batches of {BATCH}, {label} post",
                    "s",
                    wall,
                    TARGET_S,
                )
            )
        summary, took = await timed(client, "GET", f"{base}/summary")
        log(f"{kind}: summary {summary.json()} in {took * 1000:.0f} ms")
        figures.append(figure(f"{kind}: summary", "ms", took * 1000))
        _, took = await timed(client, "GET", f"{base}/results", params={"outcome": "missing"})
        log(f"{kind}: a page of the missing in {took * 1000:.0f} ms")
        figures.append(figure(f"{kind}: results page (missing)", "ms", took * 1000))
        answer, took = await timed(client, "POST", f"{base}/reconcile")
        log(f"{kind}: reconcile {answer.json()} in {took * 1000:.0f} ms")
        figures.append(figure(f"{kind}: reconcile (3,000 proposals)", "ms", took * 1000))
        answer, took = await timed(client, "GET", f"{base}/report.xlsx")
        log(f"{kind}: report.xlsx ({len(answer.content) // 1024} KiB) in {took * 1000:.0f} ms")
        figures.append(figure(f"{kind}: report.xlsx", "ms", took * 1000))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cards", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="5,000 cards")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    args = parser.parse_args()
    cards = 5000 if args.quick else args.cards
    with database(args.db) as url:
        figures = asyncio.run(run(url, cards, args.db))
    if args.json:
        print(json.dumps({"benchmark": f"assets stocktake {args.db}", "figures": figures}))


if __name__ == "__main__":
    main()
