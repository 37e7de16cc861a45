"""How fast facilities takes a year of inspection answers, and answers its hazards dashboard.

Seeds a fresh facilities database (SQLite, or a throwaway PostgreSQL database with ``--db
postgres``) with the demo's nine checklists (198 items) and six compounds of eight buildings
(their places cached as read from assets just now, so no peer is asked), plans and starts
one round a week for 52 weeks in each compound through the app, then posts every round's
answers through the app (ASGI, in process, one batch a round, as an inspector's tablet
uploads): 6 × 52 × 198 = 61,776 answers, 2 % of them defects (each a hazard). It posts every
batch a second time (nothing may change), runs the escalation, and reads the open-hazards
dashboard 20 times. Targets: at least 5,000 answers a second; the dashboard within 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

# run as a script, bench/ would come first on the path and bench/gateway.py would hide the
# gateway package: look in the repository root instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.figures import figure  # noqa: E402
from bench.personnel_bulk import token  # noqa: E402
from gateway.keys import SigningKey  # noqa: E402
from services.facilities.config import FacilitiesSettings  # noqa: E402
from services.facilities.inspections.demo_checklists import CHECKLISTS  # noqa: E402
from services.facilities.locations.models import PlaceCache  # noqa: E402
from services.facilities.main import SPEC, create_app  # noqa: E402
from shared.auth import TokenVerifier  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.migrations import upgrade  # noqa: E402
from shared.types import SHANGHAI  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
ANSWERS_PER_S = 5000.0
DASHBOARD_MS = 100.0
COMPOUNDS = 6
BUILDINGS = 8
INSPECTORS = [str(uuid.uuid4()), str(uuid.uuid4())]


def log(text: str) -> None:
    print(text, file=sys.stderr)


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, migrated facilities database, dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'facilities.db'}"
            upgrade(SPEC.migrations_dir, url, "facilities")
            yield url
        return
    name = f"bench_facilities_{os.getpid()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade(SPEC.migrations_dir, url, "facilities")
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def places(url: str) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Six compounds of eight buildings, cached as read from assets just now."""
    now = datetime.now(UTC)
    compounds = {uuid.uuid4(): [uuid.uuid4() for _ in range(BUILDINGS)] for _ in range(COMPOUNDS)}
    rows = []
    for n, (compound, buildings) in enumerate(compounds.items()):
        rows.append(
            dict(
                id=compound,
                kind="compound",
                compound_id=compound,
                code=f"C{n}",
                name=f"Compound {n}",
                fetched_at=now,
                active=True,
            )
        )
        rows += [
            dict(
                id=b,
                kind="building",
                compound_id=compound,
                building_id=b,
                code=f"C{n}-B{i}",
                name=f"Block {i}",
                fetched_at=now,
                active=True,
            )
            for i, b in enumerate(buildings)
        ]
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(PlaceCache.__table__), rows)  # type: ignore[attr-defined]
    engine.dispose()
    return compounds


def answers(
    round_: dict[str, Any],
    items: list[dict[str, Any]],
    buildings: list[uuid.UUID],
    defect_percent: int,
) -> list[dict[str, Any]]:
    day = date.fromisoformat(round_["planned_on"])
    at = datetime.combine(day, clock(9, 30), SHANGHAI)
    made = []
    for n, item in enumerate(items):
        roll = zlib.crc32(f"{round_['id']}{item['code']}".encode()) % 100
        defect = roll < defect_percent
        made.append(
            {
                "item_id": item["id"],
                "outcome": "defect" if defect else ("not_applicable" if roll > 96 else "ok"),
                "inspector_id": INSPECTORS[n % 2],
                "answered_at": (at + timedelta(seconds=n)).isoformat(),
                **(
                    {
                        "note": f"{item['text']}: not met",
                        "photos": [f"p/{n}.jpg"],
                        "building_id": str(buildings[roll % len(buildings)]),
                    }
                    if defect
                    else {}
                ),
            }
        )
    return made


async def run(url: str, weeks: int, kind: str, defect_percent: int) -> list[dict[str, Any]]:
    compounds = places(url)
    key = SigningKey.generate()

    async def jwks() -> dict[str, Any]:
        return key.jwks()

    verifier = TokenVerifier(
        issuer="agency-suite-gateway", audience="agency-suite", fetch_jwks=jwks
    )
    settings = FacilitiesSettings(database_url=url, log_level="WARNING", place_fresh_seconds=86400)
    app = create_app(settings, verifier=verifier, run_relay=False, access_log=False)
    headers = {"Authorization": f"Bearer {token(key, 'facilities_officer')}"}
    figures = []
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://facilities",
            headers=headers,
            timeout=120,
        ) as client,
    ):
        items: list[dict[str, Any]] = []
        for category, (prefix, title, texts) in CHECKLISTS.items():
            body = {
                "category": category,
                "title": title,
                "items": [
                    {
                        "code": f"{prefix}-{n:02d}",
                        "text": t.split("|", 1)[1],
                        "severity": {"c": "critical", "M": "major", "m": "minor"}[t[0]],
                    }
                    for n, t in enumerate(texts, start=1)
                ],
            }
            made = await client.post("/checklists", json=body)
            made.raise_for_status()
            items += made.json()["items"]
        started = time.perf_counter()
        rounds = []
        today = datetime.now(SHANGHAI).date()
        for compound, buildings in compounds.items():
            for week in range(weeks):
                day = today - timedelta(days=7 * (weeks - week))
                plan = {
                    "compound_id": str(compound),
                    "planned_on": day.isoformat(),
                    "inspectors": INSPECTORS,
                }
                made = await client.post("/inspection-rounds", json=plan)
                made.raise_for_status()
                r = made.json()
                (await client.post(f"/inspection-rounds/{r['id']}/start")).raise_for_status()
                rounds.append((r, buildings))
        log(
            f"{kind}: planned and started {len(rounds)} rounds in "
            f"{time.perf_counter() - started:.1f} s"
        )
        batches = [answers(r, items, b, defect_percent) for r, b in rounds]
        total = sum(len(b) for b in batches)
        for label in ("first", "repeat"):
            new = hazards = 0
            wall = time.perf_counter()
            for (r, _), batch in zip(rounds, batches, strict=True):
                answer = await client.post(
                    f"/inspection-rounds/{r['id']}/answers", json={"answers": batch}
                )
                answer.raise_for_status()
                new += answer.json()["new"]
                hazards += answer.json()["hazards_raised"]
            wall = time.perf_counter() - wall
            rate = total / wall
            log(
                f"{kind}: {total} answers ({label} post: {new} new, {hazards} hazards) in "
                f"{len(batches)} batches: {wall:.2f} s, {rate:,.0f} answers/s"
            )
            figures.append(
                figure(
                    f"{kind}: {total} answers in batches of {len(items)}, {label} post",
                    "answers/s",
                    rate,
                    ANSWERS_PER_S,
                    "higher",
                )
            )
        wall = time.perf_counter()
        escalated = (await client.post("/hazards/escalate")).json()
        log(f"{kind}: escalation {escalated} in {(time.perf_counter() - wall) * 1000:.0f} ms")
        times = []
        for _ in range(20):
            wall = time.perf_counter()
            board = await client.get("/hazards/dashboard")
            board.raise_for_status()
            times.append((time.perf_counter() - wall) * 1000)
        median = statistics.median(times)
        log(
            f"{kind}: dashboard of {board.json()['total_open']} open hazards in "
            f"{len(board.json()['cells'])} cells: median {median:.1f} ms, max {max(times):.1f} ms"
        )
        figures.append(
            figure(
                f"{kind}: open-hazards dashboard (median of 20)",
                "ms",
                median,
                DASHBOARD_MS,
                "lower",
            )
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--defects", type=int, default=2, help="percent of answers")
    parser.add_argument("--quick", action="store_true", help="13 weeks")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    args = parser.parse_args()
    weeks = 13 if args.quick else args.weeks
    with database(args.db) as url:
        figures = asyncio.run(run(url, weeks, args.db, args.defects))
    if args.json:
        print(json.dumps({"benchmark": f"facilities inspections {args.db}", "figures": figures}))


if __name__ == "__main__":
    main()
