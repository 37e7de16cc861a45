"""A budget unit is closed only once its work is done: its approved payroll paid and the
transfers settled (an exception re-paid first) and its claims finished, drafts included; the
409 names what is left. (Payments under way: ``test_budget.py``.)"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.finance.claims_support import open_office, raise_claim, submit, travel_budget
from tests.finance.conftest import APPROVER, AUDITOR, OFFICER, ok
from tests.finance.payroll_support import FakePersonnel, Staff, attach, computed, open_books, report
from tests.finance.standards_support import issue_demo_set
from tests.finance.test_claims_payment import TRIP, approve

DONE = "; the unit can be closed once they are done"


def close(client: TestClient, unit_id: str) -> Any:
    return client.patch(f"/budget-units/{unit_id}", json={"active": False}, headers=OFFICER)


def refused(client: TestClient, unit_id: str) -> str:
    """The refusal to close the unit: its detail (the unit still open)."""
    answer = close(client, unit_id)
    assert (answer.status_code, answer.json()["code"]) == (409, "UNIT_HAS_WORK_IN_FLIGHT")
    assert ok(client.get(f"/budget-units/{unit_id}", headers=OFFICER))["active"] is True
    detail: str = answer.json()["detail"]
    return detail


def test_payroll_transfers_keep_their_unit_open_until_settled(
    client: TestClient, app: FastAPI
) -> None:
    issue_demo_set(client)
    unit = open_books(client, 2026, 3, "PAY", "1000000.00")
    people = [
        Staff(
            f"S{n:03d}", f"员工{n}", uuid.UUID(unit), "clerk", date(2021, 3, 1), grade="competent"
        )
        for n in (1, 2)
    ]
    attach(app, FakePersonnel(people))
    for n, staff in enumerate(people):
        body = {"account": f"62220000{n:08d}", "bank": "ICBC City Branch"}
        ok(client.put(f"/salary-accounts/{staff.staff_id}", json=body, headers=OFFICER))
    run = computed(client, 2026, 3)
    ok(client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER))
    assert refused(client, unit) == "1 payroll runs are approved and not paid" + DONE
    ok(client.post(f"/payroll-runs/{run['id']}/pay", json={"channel": "file"}, headers=OFFICER))
    page = client.get(f"/payroll-transfers?run_id={run['id']}&limit=200", headers=OFFICER)
    transfers = ok(page)["items"]
    # two people, the tax bureau, social insurance and the housing fund, all in flight
    assert refused(client, unit) == f"{len(transfers)} payroll transfers are not settled" + DONE
    back = next(t for t in transfers if t["payee_kind"] == "staff")
    for t in transfers:
        report(app, t["instruction_id"], "settled")
    report(app, back["instruction_id"], "returned", "AC04")  # an exception, owed again
    assert refused(client, unit) == "1 payroll transfers are not settled" + DONE
    again = ok(client.post(f"/payroll-transfers/{back['id']}/repay", json={}, headers=OFFICER), 201)
    assert refused(client, unit) == "1 payroll transfers are not settled" + DONE
    report(app, again["instruction_id"], "settled")
    assert ok(close(client, unit))["active"] is False


def test_claims_keep_their_unit_open_until_finished(client: TestClient) -> None:
    office = open_office(client)
    budget = travel_budget(client, office)
    unit = office.unit["id"]
    staff = office.staff(office.clerk)
    claim = raise_claim(client, staff, TRIP)
    assert refused(client, unit) == "1 claims are not finished" + DONE, "a draft holds receipts"
    claim = submit(client, claim, staff)
    assert refused(client, unit) == "1 claims are not finished" + DONE
    claim = ok(approve(client, claim, budget["id"]))
    both = "1 payments are under way and 1 claims are not finished"
    assert refused(client, unit) == both + DONE
    # the payment cancelled sends the claim back to the approvers: still to be decided
    cancel = {"reason": "wrong budget line"}
    ok(client.post(f"/payments/{claim['payment_id']}/cancel", json=cancel, headers=OFFICER))
    assert ok(client.get(f"/claims/{claim['id']}", headers=AUDITOR))["status"] == "submitted"
    assert refused(client, unit) == "1 claims are not finished" + DONE
    withdrawn = {"reason": "the unit is closing"}
    ok(client.post(f"/claims/{claim['id']}/withdraw", json=withdrawn, headers=staff))
    assert ok(close(client, unit))["active"] is False
