"""Reads at volume: ten years of books for 31 budget units (1,000,000+ journal lines) and
10,000 staff, then the reports the bureau reads, through the finance app (ASGI, in process,
so the route's own cost counts):

- the trial balance as of random days, consolidated and for one unit;
- budget execution for a year, consolidated and for one unit;
- the ledger export (CSV): peak memory of the process while a month, one unit's year and a
  whole year stream out (flat memory: the year costs what the month costs).

``--db sqlite`` keeps the seeded files under var/bench/volume/ keyed by what was seeded, so a
second run reuses them (each run works on a copy). ``--db postgres`` seeds a throwaway database
``bench_volume_<pid>`` on 127.0.0.1:5432 with COPY and drops it at the end. ``--baseline``
first measures on the schema before this benchmark's indexes (finance_0003), then migrates to
head and measures again, in one run. See bench/README.md, "Volume: ten years of books".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

# run as a script, bench/ would come first on the path and bench/gateway.py would hide the
# gateway package: look in the repository root instead
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import inspect  # noqa: E402

from bench import staff_seed, volume_load  # noqa: E402
from bench import volume_books as books  # noqa: E402
from bench.personnel_bulk import token  # noqa: E402
from gateway.keys import SigningKey  # noqa: E402
from services.finance.config import FinanceSettings  # noqa: E402
from services.finance.ledger import month_balances, reports  # noqa: E402
from services.finance.main import SPEC as FINANCE  # noqa: E402
from services.finance.main import create_app  # noqa: E402
from services.personnel.main import SPEC as PERSONNEL  # noqa: E402
from services.personnel.staff import identity_numbers as ids  # noqa: E402
from shared.auth import TokenVerifier  # noqa: E402
from shared.db import make_engine, unit_of_work  # noqa: E402
from shared.migrations import current_revision, head_revision, upgrade  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "var" / "bench" / "volume"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BASELINE_REVISION = "finance_0003"  # the finance schema before this benchmark's indexes
LAST_YEAR = 2025
TARGET_MS = {"sqlite": 1000.0, "postgres": 300.0}
FLAT_RATIO = 1.5  # a year's export may take at most this much more memory than a month's
UNIT_NS = uuid.UUID("6f1d2a8e-7c1b-4c57-9d0e-0b6a3f1e2d4c")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Size:
    years: int
    lines: int
    people: int
    samples: int


FULL = Size(years=10, lines=1_000_000, people=10_000, samples=7)
QUICK = Size(years=3, lines=60_000, people=1_000, samples=3)


def unit_specs() -> list[tuple[uuid.UUID, str, str]]:
    """The 31 units, with the same ids in personnel and finance, the same in every run."""
    return staff_seed.unit_specs(UNIT_NS)


def plan(size: Size) -> books.Plan:
    units = volume_load.unit_pairs(unit_specs())
    return books.Plan(units, LAST_YEAR, size.years, size.lines)


def seed(url: str, size: Size, revision: str) -> dict[str, int]:
    """Migrate finance (to ``revision``) and personnel, then write the books and the staff."""
    upgrade(FINANCE.migrations_dir, url, "finance", revision)
    upgrade(PERSONNEL.migrations_dir, url, "personnel")
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        made = plan(size)
        counts = volume_load.load(engine, made, log)
        if inspect(engine).has_table("finance_month_balance"):
            with unit_of_work(
                engine
            ) as session:  # every month is closed: freeze them as closing does
                for year in range(made.first_year, made.last_year + 1):
                    for month in range(1, 13):
                        month_balances.freeze(session, year, month)
        log(f"  books written in {time.perf_counter() - started:.1f} s: {counts}")
        started = time.perf_counter()
        staff_seed.seed(url, size.people, ids.IdVault("bench-secret"), unit_specs())
        log(f"  {size.people:,} staff written in {time.perf_counter() - started:.1f} s")
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return {**counts, "staff": size.people}


@contextlib.contextmanager
def sqlite_books(size: Size, revision: str) -> Iterator[tuple[str, dict[str, int]]]:
    """A copy of the cached seeded file (seeded first if there is none yet)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = f"v{books.SEED_VERSION}-{size.years}y-{size.lines}-{size.people}-{revision}"
    cached, facts = CACHE / f"books-{key}.db", CACHE / f"books-{key}.json"
    if not (cached.exists() and facts.exists()):
        log(f"seeding {cached} (kept for the next run)")
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        counts = seed(f"sqlite:///{partial}", size, revision)
        partial.rename(cached)
        facts.write_text(json.dumps(counts))
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        path = Path(tmp) / "books.db"
        shutil.copyfile(cached, path)
        yield f"sqlite:///{path}", json.loads(facts.read_text())


@contextlib.contextmanager
def postgres_books(
    size: Size, revision: str, keep: bool = False
) -> Iterator[tuple[str, dict[str, int]]]:
    """A throwaway database ``bench_volume_<pid>``, seeded with COPY, dropped afterwards
    (unless ``keep``)."""
    name = f"bench_volume_{os.getpid()}"
    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        log(f"seeding PostgreSQL database {name}")
        yield url, seed(url, size, revision)
    finally:
        if keep:
            log(f"kept {url}")
        else:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    unit: str
    value: float
    target: float | None
    better: str = "lower"
    note: str = ""

    def json(self) -> dict[str, Any]:
        met = None if self.target is None else self.value <= self.target
        return {
            "figure": self.name,
            "unit": self.unit,
            "value": round(self.value, 3),
            "target": self.target,
            "better": self.better,
            "met": met,
        }


class Reader:
    """GET requests to the finance app in process, as an auditor."""

    def __init__(self, app: Any, bearer: str) -> None:
        self.app = app
        self.headers = {"Authorization": f"Bearer {bearer}"}
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://finance"
        )

    async def get(self, path: str, params: dict[str, Any]) -> tuple[float, float, Any]:
        """Wall and CPU milliseconds of one JSON read, and its body."""
        wall, cpu = time.perf_counter(), time.process_time()
        response = await self.client.get(path, params=params, headers=self.headers)
        elapsed = (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
        response.raise_for_status()
        return elapsed[0], elapsed[1], response.json()

    async def stream(self, path: str, params: dict[str, Any]) -> tuple[int, int, int]:
        """Drive one GET through the ASGI app, counting the body and dropping it as it comes
        (an HTTP client would keep it all): status, bytes, lines."""
        query = urllib.parse.urlencode(params).encode()
        headers = [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "root_path": "",
            "headers": [(b"host", b"finance"), *headers],
            "client": ("127.0.0.1", 50000),
            "server": ("finance", 80),
        }
        asked = False
        status, size, lines = 0, 0, 0
        done = asyncio.Event()

        async def receive() -> dict[str, Any]:
            nonlocal asked
            if not asked:
                asked = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, size, lines
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                size += len(body)
                lines += body.count(b"\n")
                if not message.get("more_body", False):
                    done.set()

        await self.app(scope, receive, send)
        done.set()
        return status, size, lines


def rss_kib() -> tuple[int, int]:
    """(current, peak since the last reset) resident set size of this process, KiB."""
    status = Path("/proc/self/status").read_text()
    now = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return now, peak


def reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def median(values: list[float]) -> float:
    return statistics.median(values)


async def measure_reads(reader: Reader, size: Size, target: float, label: str) -> list[Figure]:
    rng = random.Random(f"volume-days-{size.years}")
    first = date(LAST_YEAR - size.years + 1, 1, 1)
    span = (date(LAST_YEAR, 12, 31) - first).days
    days = [first + timedelta(days=rng.randrange(span + 1)) for _ in range(size.samples)]
    units = [u for u, _c, _n in unit_specs()]
    years = [rng.randrange(first.year, LAST_YEAR + 1) for _ in range(size.samples)]
    picks = [rng.choice(units) for _ in range(size.samples)]
    figures = []

    async def series(name: str, path: str, params: list[dict[str, Any]]) -> None:
        await reader.get(path, params[0])  # warm the caches once
        walls, cpus = [], []
        for p in params:
            wall, cpu, body = await reader.get(path, p)
            walls.append(wall)
            cpus.append(cpu)
            if "balanced" in body:
                assert body["balanced"], f"{path} {p}: the books do not balance"
        figures.append(
            Figure(
                f"{name}{label}, median of {len(params)}",
                "ms",
                median(walls),
                target,
                note=f"CPU {median(cpus):.0f} ms, slowest {max(walls):.0f} ms",
            )
        )

    tb = "/ledger/trial-balance"
    await series("trial balance as of a day, consolidated", tb, [{"as_of": d} for d in days])
    await series(
        "trial balance as of a day, one unit",
        tb,
        [{"as_of": d, "unit_id": u} for d, u in zip(days, picks, strict=True)],
    )
    ex = "/budget/execution"
    await series("budget execution of a year, all units", ex, [{"fiscal_year": y} for y in years])
    await series(
        "budget execution of a year, one unit",
        ex,
        [{"fiscal_year": y, "unit_id": u} for y, u in zip(years, picks, strict=True)],
    )
    return figures


async def measure_export(reader: Reader, label: str) -> list[Figure]:
    """Peak memory while a month, one unit's year and a whole year of the ledger stream out:
    RSS growth over the request and Python's own peak (tracemalloc, a second pass)."""
    unit = unit_specs()[0][0]
    year = LAST_YEAR
    cases: list[tuple[str, dict[str, Any]]] = [
        ("a month", {"date_from": f"{year}-06-01", "date_to": f"{year}-06-30"}),
        (
            "one unit's year",
            {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31", "unit_id": unit},
        ),
        ("a year", {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}),
    ]
    figures: list[Figure] = []
    peaks: dict[str, float] = {}
    rows: dict[str, int] = {}
    for name, params in cases:
        await reader.stream("/ledger/export", params)  # warm up: the first pass costs more
        now, _ = rss_kib()
        reset_peak_rss()
        wall, cpu = time.perf_counter(), time.process_time()
        status, size, lines = await reader.stream("/ledger/export", params)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        _, peak = rss_kib()
        assert status == 200, f"export {params}: {status}"
        rows[name] = lines - 1  # the header
        tracemalloc.start()
        await reader.stream("/ledger/export", params)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        peaks[name] = traced
        figures.append(
            Figure(
                f"ledger export CSV, {name}{label}: Python peak (tracemalloc)",
                "MiB",
                traced,
                None,
                note=(
                    f"RSS +{(peak - now) / 1024:.1f} MiB; {size / 2**20:.1f} MiB of CSV in "
                    f"{wall:.2f} s wall, {cpu:.2f} s CPU; {rows[name]:,} lines"
                ),
            )
        )
    figures.append(
        Figure(
            f"ledger export: a year's peak ÷ a month's{label}",
            "x",
            peaks["a year"] / peaks["a month"],
            # meaningful once a month is several batches (a smaller one is read in one)
            FLAT_RATIO if rows["a month"] >= 2 * reports.EXPORT_BATCH else None,
        )
    )
    return figures


async def measure(url: str, size: Size, db: str, stage: Stage) -> list[Figure]:
    key = SigningKey.generate()

    async def jwks() -> dict[str, Any]:
        return key.jwks()

    verifier = TokenVerifier(
        issuer="agency-suite-gateway", audience="agency-suite", fetch_jwks=jwks
    )
    app = create_app(
        FinanceSettings(database_url=url, log_level="WARNING"),
        verifier=verifier,
        run_relay=False,
        access_log=False,
    )
    # "lines only": balances are summed from the journal's lines, as if no month were frozen
    lines_only = mock.patch.object(month_balances, "frozen_through", return_value=None)
    with lines_only if not stage.month_balances else contextlib.nullcontext():
        async with app.router.lifespan_context(app):
            reader = Reader(app, token(key, "auditor"))
            figures = await measure_reads(reader, size, TARGET_MS[db], stage.label)
            if stage.export:
                figures += await measure_export(reader, stage.label)
            await reader.client.aclose()
    app.state.engine.dispose()
    return figures


@dataclass(frozen=True)
class Stage:
    """One measured state of the schema and of the balance reads."""

    label: str
    revision: str
    month_balances: bool
    export: bool


def stages(baseline: bool) -> list[Stage]:
    if not baseline:
        return [Stage("", "head", month_balances=True, export=True)]
    return [
        Stage(f" [before: {BASELINE_REVISION}]", BASELINE_REVISION, False, False),
        Stage(" [indexes, lines only]", "head", month_balances=False, export=False),
        Stage("", "head", month_balances=True, export=True),
    ]


def table(figures: list[Figure]) -> str:
    out = [f"{'figure':<78} {'now':>9} {'target':>7}  met  note"]
    for f in figures:
        target = "" if f.target is None else f"{f.target:g}"
        met = "" if f.target is None else ("yes" if f.value <= f.target else "NO")
        out.append(f"{f.name:<78} {f.value:>7.1f}{f.unit:<2} {target:>7}  {met:<3}  {f.note}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> list[Figure]:
    size = QUICK if args.quick else FULL
    if args.lines:
        size = Size(size.years, args.lines, size.people, size.samples)
    revision = BASELINE_REVISION if args.baseline else str(head_revision(FINANCE.migrations_dir))
    if args.db == "sqlite":
        books_of = sqlite_books(size, revision)
    else:
        books_of = postgres_books(size, revision, keep=args.keep)
    figures: list[Figure] = []
    with books_of as (url, counts):
        log(f"books: {counts}")
        for stage in stages(args.baseline):
            started = time.perf_counter()
            upgrade(FINANCE.migrations_dir, url, "finance", stage.revision)
            engine = make_engine(url)
            at = current_revision(engine, "finance")
            engine.dispose()
            reads = "month balances and lines" if stage.month_balances else "lines only"
            log(f"at {at} ({time.perf_counter() - started:.1f} s to migrate): measuring, {reads}")
            figures += asyncio.run(measure(url, size, args.db, stage))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="3 years, 60,000 lines, 1,000 staff")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument(
        "--baseline", action="store_true", help=f"measure on {BASELINE_REVISION} too"
    )
    parser.add_argument("--lines", type=int, default=0, help="journal lines to seed")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()
    started = time.perf_counter()
    figures = run(args)
    log(table(figures))
    log(f"whole run {time.perf_counter() - started:.1f} s")
    if args.json:
        name = f"volume ({args.db}{', quick' if args.quick else ''})"
        print(json.dumps({"benchmark": name, "figures": [f.json() for f in figures]}))


if __name__ == "__main__":
    main()
