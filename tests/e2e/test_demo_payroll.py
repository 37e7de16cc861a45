"""The demo organisation's whole payroll end to end: the suite started as ``make run`` starts
it (``python -m deploy.cli run`` with its demo data: 31 budget units, their serving staff and
retirees, this month's run computed by the demo finance officer); the demo finance approver
approves the run, the officer pays it through the gateway over the treasury API (one
instruction per transfer, sent to the sandbox, settled by its callbacks), and the run
closes. Then:

- every payslip with pay is paid exactly once, to its own account, and each unit's
  withholdings once a payee; the sandbox's own statement books each instruction once, and
  finance's reconciliation of that statement finds nothing missing, doubled or different;
- the run's totals are its payslips' sums, in all and per unit, and its transfers add up
  to each unit's gross;
- the ledger balances, consolidated and unit by unit; the run posted its pay owed once
  (Dr 5001 under 301 / Cr 2201 a unit) and each transfer once (Dr 2201 / Cr 4001), so each
  unit's 2201 is back where it was;
- each unit's 301 budget line paid its gross more, and holds nothing reserved for the run.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.finance.treasury.client import TreasuryClient
from shared.types import today
from tests.soak.launch import LaunchedSuite, launch

pytestmark = pytest.mark.e2e

CLOSED_WITHIN = 300.0
OFFICER, APPROVER = "finance.officer", "finance.approver"
WAGES = "301"
EXPENSE, PAYABLE, REVENUE = "5001", "2201", "4001"  # what a run moves in the ledger
AMOUNTS = ("gross", "contributions", "tax", "net")
ZERO = Decimal(0)

Row = dict[str, Any]


class Demo:
    """The launched suite and its demo users, each signed in again before its token ages."""

    def __init__(self, suite: LaunchedSuite) -> None:
        self.suite = suite
        self.http = httpx.Client(base_url=f"{suite.gateway}/api", timeout=120)
        self._tokens: dict[str, tuple[float, str]] = {}

    def who(self, username: str) -> dict[str, str]:
        signed_in, token = self._tokens.get(username, (0.0, ""))
        if time.monotonic() - signed_in > 120:  # tokens live 300 s
            response = httpx.post(
                f"{self.suite.gateway}/auth/token",
                data={
                    "grant_type": "password",
                    "username": username,
                    "password": self.suite.demo_password,
                },
            )
            assert response.status_code == 200, response.text
            token = response.json()["access_token"]
            self._tokens[username] = (time.monotonic(), token)
        return {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, username: str = OFFICER, **kw: Any) -> Any:
        response = self.http.request(method, path, headers=self.who(username), **kw)
        assert response.status_code < 300, f"{method} {path}: {response.text}"
        return response.json()

    def every(self, path: str, **params: Any) -> list[Row]:
        """Every item of a paged list, read by the officer."""
        items: list[Row] = []
        while True:
            query = {**params, "limit": 200, "offset": len(items)}
            page = self.call("GET", path, params=query)
            items += page["items"]
            if len(items) >= page["total"] or not page["items"]:
                return items


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """``make run`` as it is (none of the soak's settings): SQLite, as the demo organisation
    runs. Payroll on PostgreSQL goes end to end in ``test_payroll.py`` and in the soak; the
    whole demo organisation there would cost make test two more minutes."""
    suite = launch(tmp_path, "sqlite", settings={})
    demo = Demo(suite)
    try:
        yield demo
    finally:
        demo.http.close()
        suite.stop()


def money(value: str) -> Decimal:
    return Decimal(value)


def total(rows: list[Row], field: str) -> Decimal:
    return sum((money(r[field]) for r in rows), ZERO)


def ledger(demo: Demo) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    """(account, unit) → (debits, credits) to date."""
    rows = demo.call("GET", "/finance/ledger/balances")["items"]
    return {
        (r["account_code"], r["unit_id"]): (money(r["debit_total"]), money(r["credit_total"]))
        for r in rows
    }


def wage_lines(demo: Demo, year: int) -> dict[str, Row]:
    """Each unit's 301 budget line of ``year``, by unit id."""
    lines = demo.every("/finance/appropriations", fiscal_year=year, economic_class=WAGES)
    by_unit = {line["unit_id"]: line for line in lines if line["fund_source"] == "GEN"}
    assert len(by_unit) == len(lines)
    return by_unit


def this_months_run(demo: Demo) -> Row:
    day = today()
    [run] = [
        r for r in demo.every("/finance/payroll-runs", year=day.year) if r["month"] == day.month
    ]
    return run


def wait_closed(demo: Demo, run_id: str) -> Row:
    deadline = time.monotonic() + CLOSED_WITHIN
    while True:
        run: Row = demo.call("GET", f"/finance/payroll-runs/{run_id}")
        if run["status"] == "closed" or time.monotonic() > deadline:
            return run
        time.sleep(0.5)


def check_totals(run: Row, slips: list[Row], unit_totals: list[Row]) -> dict[str, Decimal]:
    """The run's and each unit's totals are the sums of their payslips; each unit's gross."""
    assert run["slips"] == len(slips) == len({s["staff_id"] for s in slips}) > 1000
    for field in AMOUNTS:
        assert money(run[field]) == total(slips, field), field
    by_unit: dict[str, list[Row]] = defaultdict(list)
    for slip in slips:
        by_unit[slip["unit_id"]].append(slip)
    assert set(by_unit) == {t["unit_id"] for t in unit_totals} <= set(run["unit_ids"])
    for unit in unit_totals:
        mine = by_unit[unit["unit_id"]]
        assert unit["slips"] == len(mine)
        for field in AMOUNTS:
            assert money(unit[field]) == total(mine, field), (unit["unit_id"], field)
    return {t["unit_id"]: money(t["gross"]) for t in unit_totals}


def check_transfers(transfers: list[Row], slips: list[Row], gross: dict[str, Decimal]) -> None:
    """Every payslip with pay paid once, its net pay, and each unit's withholdings once a
    payee; each unit's transfers add up to its gross."""
    assert {t["status"] for t in transfers} == {"settled"}
    assert {t["attempt"] for t in transfers} == {1}
    net = {s["staff_id"]: money(s["net"]) for s in slips if money(s["net"]) > 0}
    staff = [t for t in transfers if t["payee_kind"] == "staff"]
    assert Counter(t["staff_id"] for t in staff) == Counter(set(net))
    assert all(money(t["amount"]) == net[t["staff_id"]] for t in staff)
    withheld = Counter((t["unit_id"], t["payee_kind"]) for t in transfers if not t["staff_id"])
    assert set(withheld.values()) == {1}
    assert {kind for _, kind in withheld} == {"tax", "social_insurance", "housing_fund"}
    for unit_id, unit_gross in gross.items():
        assert total([t for t in transfers if t["unit_id"] == unit_id], "amount") == unit_gross


def statement_lines(demo: Demo, days: set[date]) -> list[Row]:
    """The sandbox's own statement (CSV) of the treasury single account on ``days``, asked
    with finance's adapter and the instruction secret ``make run`` generated."""
    secrets = json.loads((demo.suite.var / "secrets.json").read_text())
    client = TreasuryClient(demo.suite.treasury, secrets["treasury_instruction_secret"])
    try:
        lines: list[Row] = []
        for day in sorted(days):
            lines += csv.DictReader(io.StringIO(client.statement(day, "csv").decode()))
        return lines
    finally:
        client.close()


def check_treasury(demo: Demo, transfers: list[Row], days: set[date]) -> None:
    """The treasury booked each instruction once, its amount, and nothing else to the staff's
    accounts; finance's reconciliation of its statement finds every line ours and agreeing."""
    amount = {t["instruction_id"]: money(t["amount"]) for t in transfers}
    assert len(amount) == len(transfers)
    booked = statement_lines(demo, days)
    ours = [line for line in booked if line["end_to_end_id"] in amount]
    assert Counter(line["end_to_end_id"] for line in ours) == Counter(set(amount))
    for line in ours:
        assert (line["direction"], money(line["amount"])) == (
            "DBIT",
            amount[line["end_to_end_id"]],
        )
    accounts = Counter(t["account"] for t in transfers if t["payee_kind"] == "staff")
    assert set(accounts.values()) == {1}
    paid_to = Counter(line["counterparty_account"] for line in booked)
    assert {a: paid_to[a] for a in accounts} == accounts
    for day in sorted(days):
        params = {"day": day.isoformat()}
        report = demo.call("POST", "/finance/treasury/statements/fetch", params=params)
        assert report["reconciled"] is True, report
        assert not report["duplicate_lines"] and not report["missing_from_statement"]


def check_ledger(
    demo: Demo,
    run_id: str,
    transfers: list[Row],
    gross: dict[str, Decimal],
    before: dict[tuple[str, str], tuple[Decimal, Decimal]],
) -> None:
    """Balanced in all and unit by unit; the run's pay owed posted once and each transfer
    once, so each unit's 2201 is back where it was."""
    assert demo.call("GET", "/finance/ledger/trial-balance")["balanced"] is True
    for unit_id in gross:
        params = {"unit_id": unit_id}
        balance = demo.call("GET", "/finance/ledger/trial-balance", params=params)
        assert balance["balanced"] is True, unit_id
    owed = demo.every("/finance/journal-entries", source="payroll")
    [accrual] = [e for e in owed if e["source_ref"] == run_id]
    ids = {t["id"] for t in transfers}
    paid = demo.every("/finance/journal-entries", source="payroll_payment")
    paid = [e for e in paid if e["source_ref"] in ids]
    assert Counter(e["source_ref"] for e in paid) == Counter(ids)
    posted: dict[tuple[str, str, str | None], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for entry in (accrual, *paid):
        for line in entry["lines"]:
            sums = posted[(line["account_code"], line["unit_id"], line["economic_class"])]
            sums[0] += money(line["debit"])
            sums[1] += money(line["credit"])
    expected: dict[tuple[str, str, str | None], list[Decimal]] = {}
    for unit_id, unit_gross in gross.items():
        expected[(EXPENSE, unit_id, WAGES)] = [unit_gross, ZERO]
        expected[(PAYABLE, unit_id, None)] = [unit_gross, unit_gross]
        expected[(REVENUE, unit_id, None)] = [ZERO, unit_gross]
    assert dict(posted) == expected
    after = ledger(demo)
    for unit_id, unit_gross in gross.items():
        debits, credits = before.get((PAYABLE, unit_id), (ZERO, ZERO))
        assert after[(PAYABLE, unit_id)] == (debits + unit_gross, credits + unit_gross)


def check_budget(before: dict[str, Row], after: dict[str, Row], gross: dict[str, Decimal]) -> None:
    """Each unit's 301 line paid its gross; nothing stays reserved, the line is unchanged."""
    for unit_id, unit_gross in gross.items():
        was, now = before[unit_id], after[unit_id]
        assert money(now["paid"]) == money(was["paid"]) + unit_gross, unit_id
        assert money(now["committed"]) == money(was["committed"]), unit_id
        assert now["amount"] == was["amount"], unit_id


def test_the_demo_organisation_s_payroll_end_to_end(demo: Demo) -> None:
    started = time.monotonic()
    run = this_months_run(demo)
    assert run["status"] == "computed", run
    assert len(run["unit_ids"]) == 31
    path = f"/finance/payroll-runs/{run['id']}"
    slips = demo.every(f"{path}/payslips")
    unit_totals = demo.call("GET", f"{path}/unit-totals")["items"]
    gross = check_totals(run, slips, unit_totals)
    budget_before, books_before = wage_lines(demo, run["year"]), ledger(demo)

    # the demo officer computed it: someone else, an approver, approves it
    assert demo.http.post(f"{path}/approve", headers=demo.who(OFFICER)).status_code == 403
    approved = demo.call("POST", f"{path}/approve", APPROVER)
    assert approved["approved_by"] != approved["computed_by"] == run["computed_by"]
    reserved = wage_lines(demo, run["year"])
    for unit_id, unit_gross in gross.items():
        was = money(budget_before[unit_id]["committed"])
        assert money(reserved[unit_id]["committed"]) == was + unit_gross

    paying, days = time.monotonic(), {today()}
    assert demo.call("POST", f"{path}/pay", json={"channel": "api"})["status"] == "paid"
    closed = wait_closed(demo, run["id"])
    assert closed["status"] == "closed", closed
    closing, checking = time.monotonic() - paying, time.monotonic()
    days.add(today())

    assert check_totals(closed, slips, unit_totals) == gross
    transfers = demo.every("/finance/payroll-transfers", run_id=run["id"])
    check_transfers(transfers, slips, gross)
    check_treasury(demo, transfers, days)
    check_ledger(demo, run["id"], transfers, gross, books_before)
    check_budget(budget_before, wage_lines(demo, run["year"]), gross)
    print(
        f"\ndemo payroll: {len(slips)} payslips, {len(transfers)} transfers, {len(gross)} units;"
        f" closed {closing:.1f} s after the payment, checked in "
        f"{time.monotonic() - checking:.1f} s ({time.monotonic() - started:.1f} s in all)"
    )
