"""A month's payroll end to end for 1,000 and 10,000 staff, personnel seeded to that size.

For each size: a fresh personnel database with N serving staff over 31 units and a finalized
2025 annual cycle grading them (excellent, competent, basically competent, incompetent in
turn; every tenth ungraded), and a fresh finance database with the 31 budget units, a 301
budget line and March plan each, the demo standards and a salary account per person. Then,
in process over ASGI (the apps' own cost, no sockets), finance reading personnel through its
real client:

1. ``POST /payroll-runs`` and ``POST /payroll-runs/{id}/compute`` (the HTTP fetch from
   personnel in keyset slices of 2,000, the computation, the payslips written in bulk);
2. ``POST /payroll-runs/{id}/approve`` (maker–checker, each unit's total reserved on its 301
   line);
3. ``POST /payroll-runs/{id}/pay {"channel": "file"}`` (every transfer and instruction, the
   ledger posting) and ``GET /payroll-runs/{id}/pain001`` (the treasury batch, streamed: its
   body is read as it is sent, checked to be well-formed XML in the pain.001 namespace and of
   the declared length, and never held whole, so its peak is the export's own).

The figure is the wall time of all four (targets on SQLite: 1 s for 1,000, 8 s for 10,000),
and the ratio of the two (linear: about 10). Memory: the April run of the same staff is
repeated under ``tracemalloc``, and its peak (Python heap allocated during the run, both apps
share the process) is reported per size and step: flat in staff count when computing slices
and when streaming the pain.001.
See bench/README.md, "Payroll".
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.parsers import expat

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.assets_depreciation import PeerToken, Tokens  # noqa: E402
from bench.staff_seed import seed as seed_staff  # noqa: E402
from bench.staff_seed import unit_specs  # noqa: E402
from services.finance.clients.personnel import PersonnelClient  # noqa: E402
from services.finance.config import FinanceSettings  # noqa: E402
from services.finance.main import SPEC as FINANCE  # noqa: E402
from services.finance.main import create_app as finance_app  # noqa: E402
from services.finance.standards.demo import drafts  # noqa: E402
from services.personnel.appraisal.models import (  # noqa: E402
    AppraisalCycle,
    AppraisalResult,
    AppraisalScheme,
)
from services.personnel.config import PersonnelSettings  # noqa: E402
from services.personnel.main import SPEC as PERSONNEL  # noqa: E402
from services.personnel.main import create_app as personnel_app  # noqa: E402
from services.personnel.staff import identity_numbers as ids  # noqa: E402
from services.personnel.staff.models import Staff  # noqa: E402
from shared.bulk import insert_rows, table_of  # noqa: E402
from shared.db import make_engine  # noqa: E402
from shared.migrations import upgrade  # noqa: E402

TARGETS = {1_000: 1.0, 10_000: 8.0}
GRADES = ("excellent", "competent", "basically_competent", "incompetent")
YEAR = 2026


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed_grades(url: str) -> None:
    """A finalized 2025 annual cycle grading every member of staff but each tenth."""
    engine = make_engine(url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        d = Decimal
        scheme = AppraisalScheme(
            code="BENCH",
            name="Bench",
            **{
                f"weight_{k}": d(w)
                for k, w in (
                    ("morality", 20),
                    ("ability", 20),
                    ("diligence", 15),
                    ("performance", 25),
                    ("integrity", 10),
                    ("innovation", 10),
                )
            },
            scale_min=d(0),
            scale_max=d(100),
            excellent_min=d(90),
            competent_min=d(70),
            basically_competent_min=d(60),
            excellent_cap_percent=d(20),
            locked=True,
        )
        session.add(scheme)
        session.flush()
        cycle = AppraisalCycle(
            name="2025 annual",
            kind="annual",
            year=2025,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            scheme_id=scheme.id,
            status="finalized",
            finalized_at=now,
        )
        session.add(cycle)
        session.flush()
        staff = session.exec(select(Staff.id, Staff.staff_no)).all()
        from services.personnel.staff.models import StaffPeriod

        units = dict(session.exec(select(StaffPeriod.staff_id, StaffPeriod.unit_id)).all())
        rows = [
            {
                "id": uuid.uuid4(),
                "cycle_id": cycle.id,
                "staff_id": staff_id,
                "unit_id": units[staff_id],
                "source": "scored",
                "rank_in_unit": n + 1,
                "revision": 0,
                "version": 1,
                "finalized_at": now,
                "revised_at": None,
                "weighted_score": d("80.00"),
                "base_grade": GRADES[n % 4],
                "grade": GRADES[n % 4],
                "vetoes": "",
                **dict.fromkeys(
                    ("morality", "ability", "diligence", "performance", "integrity", "innovation"),
                    d("80.00"),
                ),
            }
            for n, (staff_id, _) in enumerate(staff)
            if n % 10 != 9
        ]
        insert_rows(session.connection(), table_of(AppraisalResult), rows)
        session.commit()
    engine.dispose()


async def _ok(response: httpx.Response, status: int = 200) -> Any:
    if response.status_code != status:
        raise SystemExit(f"{response.request.url}: {response.status_code} {response.text[:500]}")
    return response.json() if "json" in response.headers.get("content-type", "") else None


async def open_books(
    to_finance: httpx.AsyncClient,
    officer: dict[str, str],
    approver: dict[str, str],
    units: list[tuple[uuid.UUID, str, str]],
    people: int,
) -> None:
    for unit_id, code, name in units:
        body = {
            "id": str(unit_id),
            "code": code,
            "name": name,
            "zba_account": f"ZBA-{code}",
            "zba_bank": "Agent Bank",
        }
        await _ok(await to_finance.post("/budget-units", json=body, headers=officer), 201)
        line = await _ok(
            await to_finance.post(
                "/appropriations",
                json={
                    "fiscal_year": YEAR,
                    "unit_id": str(unit_id),
                    "economic_class": "301",
                    "fund_source": "GEN",
                    "amount": "900000000.00",
                },
                headers=officer,
            ),
            201,
        )
        for month in (3, 4):
            await _ok(
                await to_finance.put(
                    f"/appropriations/{line['id']}/plans/{month}",
                    json={"amount": "400000000.00"},
                    headers=officer,
                )
            )
    for draft in drafts():
        sent = json.loads(json.dumps(draft, default=str))
        row = await _ok(await to_finance.post("/standards", json=sent, headers=officer), 201)
        await _ok(await to_finance.post(f"/standards/{row['id']}/approve", headers=approver))


async def set_accounts(
    to_finance: httpx.AsyncClient, officer: dict[str, str], personnel_url: str
) -> None:
    engine = make_engine(personnel_url)
    with Session(engine) as session:
        staff = [str(s) for s in session.exec(select(Staff.id)).all()]
    engine.dispose()
    for start in range(0, len(staff), 2000):
        items = [
            {"staff_id": s, "account": f"6222{n:012d}", "bank": "ICBC City Branch"}
            for n, s in enumerate(staff[start : start + 2000], start=start)
        ]
        await _ok(
            await to_finance.post(
                "/salary-accounts/bulk", json={"accounts": items}, headers=officer
            )
        )


PAIN001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"


async def streamed_get(app: Any, path: str, headers: dict[str, str]) -> int:
    """GET ``path`` from the ASGI ``app`` in process, reading the body piece by piece as it is
    sent (httpx's ASGI transport would gather it whole first): its size in bytes. The body
    must be well-formed XML whose root is in the pain.001 namespace, and as long as its
    Content-Length says (expat reads it as it comes, holding no tree)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "headers": [(b"host", b"finance")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "server": ("finance", 80),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
    }
    done = asyncio.Event()
    asked = False
    answer: dict[str, Any] = {"size": 0}
    parser = expat.ParserCreate(namespace_separator=" ")

    def root(name: str, _attributes: Any) -> None:
        answer["root"] = name
        parser.StartElementHandler = None

    parser.StartElementHandler = root

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if asked:
            await done.wait()
            return {"type": "http.disconnect"}
        asked = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            answer["size"] += len(body)
            if answer["status"] == 200:
                parser.Parse(body, False)
            if not message.get("more_body", False):
                done.set()

    await app(scope, receive, send)
    if answer["status"] != 200:
        raise SystemExit(f"{path}: {answer['status']}")
    parser.Parse(b"", True)  # raises unless the document is complete and well-formed
    declared = int(answer["headers"]["content-length"])
    if answer.get("root") != f"{PAIN001} Document" or declared != answer["size"]:
        raise SystemExit(f"{path}: root {answer.get('root')}, {answer['size']} of {declared} B")
    size: int = answer["size"]
    return size


async def one_run(
    app: Any,
    to_finance: httpx.AsyncClient,
    month: int,
    officer: dict[str, str],
    approver: dict[str, str],
) -> tuple[dict[str, Any], int]:
    """Create, compute, approve, pay by file and export: the run and the batch's size."""
    run = await _ok(
        await to_finance.post(
            "/payroll-runs", json={"year": YEAR, "month": month}, headers=officer
        ),
        201,
    )
    rid = run["id"]
    steps = [(time.perf_counter(), time.process_time())]
    peaks: list[float] = []

    def peak() -> None:
        if tracemalloc.is_tracing():
            peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
            tracemalloc.reset_peak()

    await _ok(await to_finance.post(f"/payroll-runs/{rid}/compute", headers=officer))
    steps.append((time.perf_counter(), time.process_time()))
    peak()
    await _ok(await to_finance.post(f"/payroll-runs/{rid}/approve", headers=approver))
    steps.append((time.perf_counter(), time.process_time()))
    peak()
    paid = await _ok(
        await to_finance.post(f"/payroll-runs/{rid}/pay", json={"channel": "file"}, headers=officer)
    )
    steps.append((time.perf_counter(), time.process_time()))
    peak()
    batch_bytes = await streamed_get(app, f"/payroll-runs/{rid}/pain001", officer)
    steps.append((time.perf_counter(), time.process_time()))
    peak()
    spent = [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(steps)]
    log(
        "  compute {:.2f} s, approve {:.2f} s, pay {:.2f} s, pain.001 {:.2f} s".format(
            *(wall for wall, _ in spent)
        )
        + " (CPU {:.2f}, {:.2f}, {:.2f}, {:.2f} s)".format(*(cpu for _, cpu in spent))
    )
    if peaks:
        log(
            "  peak heap: compute {:.1f} MB, approve {:.1f}, pay {:.1f}, pain.001 {:.1f}".format(
                *peaks
            )
        )
    paid["peaks"] = peaks
    return paid, batch_bytes


async def measure(people: int) -> dict[str, Any]:
    tokens = Tokens()
    officer = {"Authorization": f"Bearer {tokens.token('finance_officer', 'bench-officer')}"}
    approver = {"Authorization": f"Bearer {tokens.token('finance_approver', 'bench-approver')}"}
    with tempfile.TemporaryDirectory() as tmp:
        personnel_url = f"sqlite:///{Path(tmp) / 'personnel.db'}"
        finance_url = f"sqlite:///{Path(tmp) / 'finance.db'}"
        upgrade(PERSONNEL.migrations_dir, personnel_url, "personnel")
        upgrade(FINANCE.migrations_dir, finance_url, "finance")
        started = time.perf_counter()
        units = seed_staff(personnel_url, people, ids.IdVault("bench-secret"), unit_specs())
        seed_grades(personnel_url)
        log(f"seeded {people:,} staff and their grades in {time.perf_counter() - started:.1f} s")
        personnel = personnel_app(
            PersonnelSettings(
                database_url=personnel_url, id_secret="bench-secret", log_level="WARNING"
            ),
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
        async with (
            personnel.router.lifespan_context(personnel),
            finance.router.lifespan_context(finance),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=finance), base_url="http://finance", timeout=120
            ) as to_finance,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=personnel),
                base_url="http://personnel",
                timeout=120,
            ) as to_personnel,
        ):
            finance.state.peers["personnel"] = PersonnelClient(
                "personnel",
                "http://personnel",
                to_personnel,
                PeerToken(tokens),
                timeout=120,
                retries=0,
            )
            await open_books(to_finance, officer, approver, units, people)
            await set_accounts(to_finance, officer, personnel_url)
            wall, cpu = time.perf_counter(), time.process_time()
            run, batch_bytes = await one_run(finance, to_finance, 3, officer, approver)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            tracemalloc.start()
            traced, _ = await one_run(finance, to_finance, 4, officer, approver)
            tracemalloc.stop()
            peaks = traced["peaks"]
    log(
        f"{people:,} staff: {run['slips']:,} payslips, net {run['net']}, pain.001 of "
        f"{batch_bytes / 1e6:.1f} MB: {wall:.2f} s wall, {cpu:.2f} s CPU; "
        f"peak heap while computing, approving and paying {max(peaks[:3]):.1f} MB, "
        f"exporting the pain.001 {peaks[3]:.1f} MB"
    )
    if run["slips"] != people:
        raise SystemExit(f"{run['slips']} payslips for {people} staff")
    return {
        "people": people,
        "seconds": wall,
        "cpu": cpu,
        "peak_mb": max(peaks[:3]),
        "export_mb": peaks[3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 staff only")
    parser.add_argument("--only", type=int, choices=sorted(TARGETS), help="one size only")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    args = parser.parse_args()
    sizes = (1_000,) if args.quick else (args.only,) if args.only else (1_000, 10_000)
    results = [asyncio.run(measure(n)) for n in sizes]
    figures = []
    for r in results:
        target = TARGETS[r["people"]]
        seconds = round(r["seconds"], 2)
        figures += [
            {
                "figure": f"Payroll of {r['people']:,} staff end to end (SQLite)",
                "unit": "s",
                "value": seconds,
                "target": target,
                "better": "lower",
                "met": seconds <= target,
            },
            {
                "figure": f"Payroll of {r['people']:,} staff, CPU",
                "unit": "s",
                "value": round(r["cpu"], 2),
                "target": None,
                "better": "lower",
                "met": None,
            },
            {
                "figure": f"Payroll of {r['people']:,} staff, peak heap computing to paying",
                "unit": "MB",
                "value": round(r["peak_mb"], 1),
                "target": None,
                "better": "lower",
                "met": None,
            },
            {
                "figure": f"Payroll of {r['people']:,} staff, peak heap exporting the pain.001",
                "unit": "MB",
                "value": round(r["export_mb"], 1),
                "target": None,
                "better": "lower",
                "met": None,
            },
        ]
    if len(results) == 2:
        ratio = results[1]["seconds"] / results[0]["seconds"]
        log(f"10× the staff cost {ratio:.1f}× the time")
        figures.append(
            {
                "figure": "Payroll time for 10,000 staff over 1,000 (linear: 10)",
                "unit": "×",
                "value": round(ratio, 1),
                "target": 10.0,
                "better": "lower",
                "met": ratio <= 10.0,
            }
        )
    if args.json:
        print(json.dumps({"benchmark": "payroll", "figures": figures}))


if __name__ == "__main__":
    main()
