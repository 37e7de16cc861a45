"""Month balances: frozen as a month closes, dropped as it reopens; balances as of any day
are the same whether they come from the lines alone or from closed months and lines."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session

from services.finance.ledger import month_balances
from services.finance.ledger.models import JournalLine, MonthBalance
from shared.types import today
from tests.finance.conftest import APPROVER, AUDITOR, OFFICER, make_unit, ok
from tests.finance.test_ledger import entry


def months_ago(n: int) -> date:
    day = today().replace(day=1)
    for _ in range(n):
        day = (day - timedelta(days=1)).replace(day=1)
    return day


def post(client: TestClient, unit_id: str, day: date, amount: str) -> None:
    body = entry(unit_id, amount, amount, entry_date=day.isoformat())
    ok(client.post("/journal-entries", json=body, headers=OFFICER), 201)


def close(client: TestClient, month: date) -> None:
    ok(client.post(f"/periods/{month.year}/{month.month}/close", headers=APPROVER))


def reopen(client: TestClient, month: date) -> None:
    url = f"/periods/{month.year}/{month.month}/reopen"
    ok(client.post(url, json={"reason": "a late invoice"}, headers=APPROVER))


def reads(client: TestClient, units: list[str], days: list[date]) -> list[Any]:
    """Every balance read: trial balances consolidated and per unit, balances per unit."""
    out = []
    for day in days:
        params = {"as_of": day.isoformat()}
        out.append(ok(client.get("/ledger/trial-balance", params=params, headers=AUDITOR)))
        for unit in units:
            per_unit = {**params, "unit_id": unit}
            out.append(ok(client.get("/ledger/trial-balance", params=per_unit, headers=AUDITOR)))
        out.append(ok(client.get("/ledger/balances", params=params, headers=AUDITOR)))
        account = {**params, "account": "5001"}
        out.append(ok(client.get("/ledger/balances", params=account, headers=AUDITOR)))
    return out


def frozen(app: FastAPI) -> dict[tuple[date, str, str], tuple[Any, Any]]:
    with Session(app.state.engine) as session:
        rows = session.execute(select(MonthBalance)).scalars()
        return {(r.month, str(r.unit_id), r.account_code): (r.debit, r.credit) for r in rows}


def test_closing_freezes_the_month_and_every_balance_reads_the_same(
    app: FastAPI, client: TestClient
) -> None:
    a, b = make_unit(client, "AAA")["id"], make_unit(client, "BBB")["id"]
    first, second = months_ago(3), months_ago(2)
    post(client, a, first + timedelta(days=3), "100.00")
    post(client, b, first + timedelta(days=9), "40.00")
    post(client, a, second + timedelta(days=1), "7.50")
    post(client, a, today(), "1.00")
    days = [first + timedelta(days=5), second - timedelta(days=1), second + timedelta(days=2)]
    days += [months_ago(1), today()]
    from_lines = reads(client, [a, b], days)

    close(client, first)
    close(client, second)
    assert frozen(app)[(first, a, "5001")] == (100, 0)
    assert frozen(app)[(first, b, "1001")] == (0, 40)
    assert frozen(app)[(second, a, "5001")] == (7.5, 0)
    assert len(frozen(app)) == 6
    with Session(app.state.engine) as session:
        assert month_balances.frozen_through(session, today()) == months_ago(1) - timedelta(1)
        assert month_balances.frozen_through(session, second) == second - timedelta(days=1)
        assert month_balances.frozen_through(session, first + timedelta(days=5)) is None
    assert reads(client, [a, b], days) == from_lines


def test_reopening_drops_the_month_and_closing_again_takes_late_entries(
    app: FastAPI, client: TestClient
) -> None:
    a = make_unit(client, "AAA")["id"]
    first, second = months_ago(3), months_ago(2)
    post(client, a, first + timedelta(days=3), "100.00")
    post(client, a, second + timedelta(days=3), "20.00")
    close(client, first)
    close(client, second)
    reopen(client, first)
    assert {key[0] for key in frozen(app)} == {second}
    post(client, a, first + timedelta(days=20), "5.00")  # a late entry into the reopened month
    with Session(app.state.engine) as session:
        assert month_balances.frozen_through(session, today()) is None  # the first month is open
    tb = ok(client.get("/ledger/trial-balance", headers=AUDITOR))
    expense = next(r for r in tb["rows"] if r["account_code"] == "5001")
    assert expense["balance"] == "125.00"
    close(client, first)
    assert frozen(app)[(first, a, "5001")] == (105, 0)
    assert ok(client.get("/ledger/trial-balance", headers=AUDITOR)) == tb


def test_a_month_closed_after_an_open_one_is_read_from_its_lines(
    app: FastAPI, client: TestClient
) -> None:
    a = make_unit(client, "AAA")["id"]
    first, second = months_ago(3), months_ago(2)
    post(client, a, first + timedelta(days=3), "100.00")
    post(client, a, second + timedelta(days=3), "20.00")
    close(client, second)  # the first month stays open: nothing frozen is read
    with Session(app.state.engine) as session:
        assert month_balances.frozen_through(session, today()) is None
        lines = session.execute(select(func.sum(JournalLine.debit))).scalar_one()
    tb = ok(client.get("/ledger/trial-balance", headers=AUDITOR))
    assert tb["debit_total"] == f"{lines:.2f}" == "120.00"


def test_no_lines_nothing_frozen(client: TestClient, app: FastAPI) -> None:
    close(client, months_ago(2))
    assert frozen(app) == {}
    with Session(app.state.engine) as session:
        assert month_balances.frozen_through(session, today()) is None
