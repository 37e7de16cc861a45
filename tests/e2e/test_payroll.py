"""A month's payroll through the whole suite: HR hires staff in personnel, finance issues the
standards, computes the run from personnel over HTTP (its service token from the gateway),
approves it (someone else), pays it through the treasury sandbox, whose callbacks settle
every transfer; the run closes, the books balance, and a member of staff reads their own
payslip through the gateway, and nobody else's."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from shared.types import today
from tests.e2e.conftest import Suite, bearer_of, create_user

pytestmark = pytest.mark.e2e


def call(suite: Suite, method: str, path: str, who: dict[str, str], **kw: Any) -> Any:
    response = httpx.request(method, f"{suite.gateway}/api{path}", headers=who, timeout=60, **kw)
    assert response.status_code < 300, f"{method} {path}: {response.text}"
    return response.json()


def test_a_month_s_payroll_end_to_end(suite: Suite) -> None:
    from bench.staff_seed import national_id
    from services.finance.standards.demo import drafts

    create_user(suite, "hanna", "hr_officer")
    create_user(suite, "pay.officer", "finance_officer")
    create_user(suite, "pay.approver", "finance_approver")
    hr, officer = bearer_of(suite, "hanna"), bearer_of(suite, "pay.officer")
    approver = bearer_of(suite, "pay.approver")
    bodies = call(suite, "GET", "/personnel/bodies", hr)["items"]
    gov = next(b["id"] for b in bodies if b["code"] == "GOV")
    unit = call(
        suite,
        "POST",
        "/personnel/units",
        hr,
        json={"code": "PAY", "name": "Payroll Unit", "name_zh": "工资单位", "body_id": gov},
    )["id"]
    staff = [
        call(
            suite,
            "POST",
            "/personnel/staff",
            hr,
            json={
                "staff_no": f"PAY{n:03d}",
                "name": f"工资{n}",
                "national_id": national_id(900_000 + n),
                "unit_id": unit,
                "rank_code": rank,
                "effective_from": "2020-01-01",
            },
        )["id"]
        for n, rank in enumerate(("clerk", "section_chief", "deputy_bureau_chief"), start=1)
    ]
    call(
        suite,
        "POST",
        "/finance/budget-units",
        officer,
        json={
            "id": unit,
            "code": "PAY",
            "name": "Payroll Unit",
            "zba_account": "ZBA-PAY-0001",
            "zba_bank": "Agent Bank",
        },
    )
    day = today()
    line = call(
        suite,
        "POST",
        "/finance/appropriations",
        officer,
        json={
            "fiscal_year": day.year,
            "unit_id": unit,
            "economic_class": "301",
            "fund_source": "GEN",
            "amount": "600000.00",
        },
    )
    call(
        suite,
        "PUT",
        f"/finance/appropriations/{line['id']}/plans/{day.month}",
        officer,
        json={"amount": "50000.00"},
    )
    for draft in drafts():
        row = call(
            suite,
            "POST",
            "/finance/standards",
            officer,
            json=json.loads(json.dumps(draft, default=str)),
        )
        call(suite, "POST", f"/finance/standards/{row['id']}/approve", approver)
    for n, staff_id in enumerate(staff):
        account = {"account": f"62220202000{n:05d}", "bank": "ICBC City Branch"}
        call(suite, "PUT", f"/finance/salary-accounts/{staff_id}", officer, json=account)

    run = call(
        suite,
        "POST",
        "/finance/payroll-runs",
        officer,
        json={"year": day.year, "month": day.month, "unit_ids": [unit]},
    )
    computed = call(suite, "POST", f"/finance/payroll-runs/{run['id']}/compute", officer)
    assert (computed["status"], computed["slips"]) == ("computed", 3)
    self_approval = httpx.post(
        f"{suite.gateway}/api/finance/payroll-runs/{run['id']}/approve", headers=officer
    )
    assert self_approval.status_code == 403
    call(suite, "POST", f"/finance/payroll-runs/{run['id']}/approve", approver)
    call(suite, "POST", f"/finance/payroll-runs/{run['id']}/pay", officer, json={"channel": "api"})

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = call(suite, "GET", f"/finance/payroll-runs/{run['id']}", officer)
        if now["status"] == "closed":
            break
        time.sleep(0.3)
    assert now["status"] == "closed", now
    transfers = call(
        suite, "GET", "/finance/payroll-transfers", officer, params={"run_id": run["id"]}
    )["items"]
    assert len(transfers) == 6 and {t["status"] for t in transfers} == {"settled"}
    assert sum(float(t["amount"]) for t in transfers) == pytest.approx(float(now["gross"]))
    balance = call(suite, "GET", "/finance/ledger/trial-balance", officer)
    assert balance["balanced"] is True

    create_user(suite, "pay.staff", "staff", unit_id=unit, staff_id=staff[0])
    me = bearer_of(suite, "pay.staff")
    mine = call(suite, "GET", "/finance/payslips/mine", me)["items"]
    assert [s["staff_no"] for s in mine] == ["PAY001"]
    others = call(suite, "GET", f"/finance/payroll-runs/{run['id']}/payslips", officer)["items"]
    other = next(s["id"] for s in others if s["staff_no"] == "PAY002")
    assert httpx.get(f"{suite.gateway}/api/finance/payslips/{other}", headers=me).status_code == 404
    listing = httpx.get(
        f"{suite.gateway}/api/finance/payroll-runs/{run['id']}/payslips", headers=me
    )
    assert listing.status_code == 403
