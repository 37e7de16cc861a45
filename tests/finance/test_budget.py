"""Budget lines, plans, quotas and the execution report."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shared.types import today
from tests.finance.conftest import (
    AUDITOR,
    OFFICER,
    approve,
    grant_quota,
    make_line,
    make_unit,
    ok,
    ok_list,
    raise_payment,
)


def test_execution_report_shows_appropriated_committed_paid_available(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "10000.00")
    payment = raise_payment(client, unit["id"], line["id"], "2500.00")
    ok(approve(client, payment["id"]))
    report = ok(client.get("/budget/execution", headers=AUDITOR))
    row = report["rows"][0]
    assert (row["appropriated"], row["committed"], row["paid"], row["available"]) == (
        "10000.00",
        "2500.00",
        "0.00",
        "7500.00",
    )
    assert report["available"] == "7500.00"


def test_line_cannot_be_cut_below_what_is_committed_or_planned(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "10000.00", plan="6000.00")
    cut = client.post(
        f"/appropriations/{line['id']}/adjustments",
        json={"delta": "-5000.00", "reason": "mid-year budget cut"},
        headers=OFFICER,
    )
    assert cut.status_code == 409
    assert cut.json()["code"] == "BELOW_COMMITTED"
    done = ok(
        client.post(
            f"/appropriations/{line['id']}/adjustments",
            json={"delta": "-4000.00", "reason": "mid-year budget cut"},
            headers={**OFFICER, "If-Match": '"1"'},
        )
    )
    assert done["amount"] == "6000.00" and done["version"] == 2
    stale = client.post(
        f"/appropriations/{line['id']}/adjustments",
        json={"delta": "100.00", "reason": "supplementary"},
        headers={**OFFICER, "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    changes = ok_list(client.get(f"/appropriations/{line['id']}/changes", headers=AUDITOR))
    assert [c["delta"] for c in changes] == ["10000.00", "-4000.00"]


def test_plans_never_exceed_the_line(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "1000.00", plan="600.00")
    other_month = 1 if today().month != 1 else 2
    over = client.put(
        f"/appropriations/{line['id']}/plans/{other_month}",
        json={"amount": "400.01"},
        headers=OFFICER,
    )
    assert over.status_code == 409
    assert over.json()["code"] == "PLAN_EXCEEDS_BUDGET"
    ok(
        client.put(
            f"/appropriations/{line['id']}/plans/{other_month}",
            json={"amount": "400.00"},
            headers=OFFICER,
        )
    )


def test_duplicate_budget_line_is_refused(client: TestClient) -> None:
    unit = make_unit(client)
    make_line(client, unit["id"])
    again = client.post(
        "/appropriations",
        json={
            "fiscal_year": today().year,
            "unit_id": unit["id"],
            "economic_class": "30201",
            "fund_source": "GEN",
            "amount": "5.00",
        },
        headers=OFFICER,
    )
    assert again.status_code == 409


def test_quota_is_posted_to_the_zero_balance_account(client: TestClient) -> None:
    unit = make_unit(client)
    grant_quota(client, unit["id"], "3000.00")
    grant_quota(client, unit["id"], "2000.00")  # lowered: the difference is posted back
    rows = client.get(
        "/ledger/balances", params={"account": "1011", "unit_id": unit["id"]}, headers=AUDITOR
    ).json()["items"]
    assert rows[0]["balance"] == "2000.00"


def test_payment_needs_a_plan_for_its_month(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    next_year = today().replace(year=today().year + 1, day=1).isoformat()
    response = client.post(
        "/payments",
        json={
            "unit_id": unit["id"],
            "method": "direct",
            "appropriation_id": line["id"],
            "payee_name": "X",
            "payee_account": "62220001",
            "payee_bank": "Bank",
            "amount": "1.00",
            "purpose": "test",
            "due_on": next_year,
        },
        headers=OFFICER,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "WRONG_FISCAL_YEAR"


def test_quota_entries_follow_the_quota_not_the_hand(client: TestClient) -> None:
    unit = make_unit(client)
    grant_quota(client, unit["id"], "1000.00")
    entries = ok(client.get("/journal-entries", params={"source": "quota"}, headers=AUDITOR))
    refused = client.post(
        f"/journal-entries/{entries['items'][0]['id']}/reverse",
        json={"reason": "undo the quota"},
        headers=OFFICER,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "SYSTEM_ENTRY"


def test_a_unit_with_work_in_flight_cannot_be_closed(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    payment = raise_payment(client, unit["id"], line["id"], "10.00")
    ok(approve(client, payment["id"]))
    closing = client.patch(f"/budget-units/{unit['id']}", json={"active": False}, headers=OFFICER)
    assert closing.status_code == 409 and closing.json()["code"] == "UNIT_HAS_WORK_IN_FLIGHT"
    ok(
        client.post(
            f"/payments/{payment['id']}/cancel", json={"reason": "not needed"}, headers=OFFICER
        )
    )
    assert (
        ok(client.patch(f"/budget-units/{unit['id']}", json={"active": False}, headers=OFFICER))[
            "active"
        ]
        is False
    )
