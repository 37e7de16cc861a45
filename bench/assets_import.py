"""How fast the asset register takes a whole register: ``POST /assets/import`` of 100,000 cards.

Migrates a fresh assets database (SQLite by default, ``--db postgres`` on 127.0.0.1:5432),
lays out one compound with 400 rooms through the service's tables, writes a gzip-compressed
CSV of N cards (default 100,000) over 31 units and 400 rooms, and posts it through the app
(ASGI, in process) as ``asset_officer``: every row checked, every card and its ``acquired``
step written, one audit entry. Reports the wall time of the request (target ≤ 5 s) and the
file's size. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.figures import figure  # noqa: E402
from bench.personnel_bulk import token  # noqa: E402
from gateway.keys import SigningKey  # noqa: E402
from services.assets.config import AssetsSettings  # noqa: E402
from services.assets.main import SPEC, create_app  # noqa: E402
from services.assets.realestate.models import Building, Compound, Floor, Room  # noqa: E402
from shared.auth import TokenVerifier  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
CATEGORIES = ("2010100", "2020000", "6010000", "6020000", "2310000", "2030000")


def lay_out(url: str, rooms: int) -> list[str]:
    """One compound, one building, ten floors, ``rooms`` office rooms; their codes."""
    engine = make_engine(url)
    compound = Compound(
        code="BC", name="Bench", name_zh="基准", address="1 Road", land_area_m2=50_000
    )
    building = Building(
        code="BC-B01",
        compound_id=compound.id,
        name="Block",
        kind="office",
        gross_floor_area_m2=20_000,
    )
    floors = [Floor(building_id=building.id, level=n, name=f"{n}F") for n in range(1, 11)]
    codes = [f"BC-B01-{n:04d}" for n in range(rooms)]
    with Session(engine) as session:
        for rows in ([compound], [building], floors):
            session.add_all(rows)
            session.flush()
        session.connection().execute(
            insert(Room),
            [
                {
                    "id": uuid.uuid4(),
                    "code": code,
                    "compound_id": compound.id,
                    "building_id": building.id,
                    "floor_id": floors[n % 10].id,
                    "number": code[-4:],
                    "use": "office",
                    "area_m2": 18,
                    "seats": 2,
                    "active": True,
                    "version": 1,
                }
                for n, code in enumerate(codes)
            ],
        )
        session.commit()
    engine.dispose()
    return codes


def register_file(cards: int, rooms: list[str]) -> bytes:
    random.seed(7)
    units = [str(uuid.uuid4()) for _ in range(31)]
    keepers = [str(uuid.uuid4()) for _ in range(3000)]
    lines = [
        "number,category_code,name,specification,unit_id,custodian_id,room_code,"
        "acquired_on,original_value,fund_source"
    ]
    for n in range(cards):
        lines.append(
            f"A{n:09d},{random.choice(CATEGORIES)},Item {n},Model {n % 97},"
            f"{random.choice(units)},{random.choice(keepers)},{random.choice(rooms)},"
            f"20{10 + n % 15}-{1 + n % 12:02d}-{1 + n % 28:02d},{100 + n % 50_000}.{n % 100:02d},"
            "fiscal"
        )
    return gzip.compress("\n".join(lines).encode())


def database(kind: str, tmp: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'assets.db'}", None
    name = f"bench_assets_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", name


async def main_async(cards: int, kind: str) -> list[dict[str, Any]]:
    key = SigningKey.generate()

    async def jwks() -> dict[str, Any]:
        return key.jwks()

    with tempfile.TemporaryDirectory() as tmp:
        url, dropped = database(kind, Path(tmp))
        try:
            upgrade(SPEC.migrations_dir, url, "assets")
            rooms = lay_out(url, 400)
            content = register_file(cards, rooms)
            print(
                f"{cards} cards: {len(content) / 1e6:.1f} MB gzip-compressed CSV", file=sys.stderr
            )
            verifier = TokenVerifier(
                issuer="agency-suite-gateway", audience="agency-suite", fetch_jwks=jwks
            )
            settings = AssetsSettings(database_url=url, log_level="WARNING")
            app = create_app(settings, verifier=verifier, run_relay=False, access_log=False)
            headers = {"Authorization": f"Bearer {token(key, 'asset_officer')}"}
            async with app.router.lifespan_context(app):
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://a") as client:
                    files = {"file": ("register.csv.gz", content, "application/gzip")}
                    started, cpu = time.perf_counter(), time.process_time()
                    response = await client.post(
                        "/assets/import", files=files, headers=headers, timeout=120
                    )
                    wall = time.perf_counter() - started
                    cpu = time.process_time() - cpu
            assert response.status_code == 201, response.text[:500]
            assert response.json()["imported"] == cards
            print(
                f"{kind}: imported {cards} in {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr
            )
            return [
                figure(f"import of {cards:,} cards ({kind})", "s", wall, 5.0, "lower"),
                figure(f"import CPU per card ({kind})", "µs", cpu / cards * 1e6, None, "lower"),
            ]
        finally:
            if dropped:
                with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{dropped}" WITH (FORCE)')  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="10,000 cards")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    args = parser.parse_args()
    figures = asyncio.run(main_async(10_000 if args.quick else args.cards, args.db))
    if args.json:
        print(json.dumps({"benchmark": "assets import", "figures": figures}))


if __name__ == "__main__":
    main()
