"""The one account book: balanced entries only, closed months refused, reversals, balances."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from shared.types import today
from tests.finance.conftest import APPROVER, AUDITOR, OFFICER, make_unit, ok
from tests.support.tokens import bearer


def entry(
    unit_id: str, debit: str = "500.00", credit: str = "500.00", **extra: Any
) -> dict[str, Any]:
    return {
        "entry_date": today().isoformat(),
        "memo": "Office supplies bought in cash",
        "lines": [
            {"account": "5001", "unit_id": unit_id, "debit": debit, "economic_class": "30201"},
            {"account": "1001", "unit_id": unit_id, "credit": credit},
        ],
        **extra,
    }


def test_balanced_entry_posts_and_shows_in_the_trial_balance(client: TestClient) -> None:
    unit = make_unit(client)
    posted = ok(client.post("/journal-entries", json=entry(unit["id"]), headers=OFFICER), 201)
    assert posted["total"] == "500.00"
    assert [line["debit"] for line in posted["lines"]] == ["500.00", "0.00"]
    tb = ok(client.get("/ledger/trial-balance", headers=AUDITOR))
    assert tb["balanced"] is True
    rows = {r["account_code"]: r for r in tb["rows"]}
    assert rows["5001"]["balance"] == "500.00"
    assert rows["1001"]["balance"] == "-500.00"  # cash went below zero: the data says so


def test_unbalanced_entry_is_refused_and_changes_nothing(client: TestClient) -> None:
    unit = make_unit(client)
    response = client.post(
        "/journal-entries", json=entry(unit["id"], credit="499.99"), headers=OFFICER
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "UNBALANCED_ENTRY"
    assert "0.01" in problem["detail"]
    assert ok(client.get("/journal-entries", headers=AUDITOR))["total"] == 0


def test_fractions_of_a_fen_are_refused(client: TestClient) -> None:
    unit = make_unit(client)
    response = client.post(
        "/journal-entries", json=entry(unit["id"], "1.005", "1.005"), headers=OFFICER
    )
    assert response.status_code == 422


def test_expense_line_needs_its_economic_class(client: TestClient) -> None:
    unit = make_unit(client)
    body = entry(unit["id"])
    del body["lines"][0]["economic_class"]
    response = client.post("/journal-entries", json=body, headers=OFFICER)
    assert response.status_code == 422
    assert response.json()["code"] == "ECONOMIC_CLASS_REQUIRED"


def last_month() -> date:
    return today().replace(day=1) - timedelta(days=1)


def test_closed_period_refuses_postings_until_reopened_with_a_reason(client: TestClient) -> None:
    unit = make_unit(client)
    d = last_month()
    late = entry(unit["id"], entry_date=d.isoformat())
    closed = ok(client.post(f"/periods/{d.year}/{d.month}/close", headers=APPROVER))
    assert closed["status"] == "closed"
    refused = client.post("/journal-entries", json=late, headers=OFFICER)
    assert refused.status_code == 409
    assert refused.json()["code"] == "PERIOD_CLOSED"
    reopen = f"/periods/{d.year}/{d.month}/reopen"
    # an officer may not reopen, nor may anyone without a reason
    assert client.post(reopen, json={"reason": "late invoice"}, headers=OFFICER).status_code == 403
    assert client.post(reopen, json={}, headers=APPROVER).status_code == 422
    reason = {"reason": "late invoice from the printer"}
    assert ok(client.post(reopen, json=reason, headers=APPROVER))["status"] == "open"
    ok(client.post("/journal-entries", json=late, headers=OFFICER), 201)
    audit = ok(client.get("/audit", headers=AUDITOR))
    reopened = next(e for e in audit["items"] if e["action"] == "period.reopened")
    assert reopened["after"]["reason"] == "late invoice from the printer"


def test_a_month_is_closed_only_once_it_is_over(client: TestClient) -> None:
    d = today()
    refused = client.post(f"/periods/{d.year}/{d.month}/close", headers=APPROVER)
    assert refused.status_code == 409 and refused.json()["code"] == "PERIOD_NOT_ENDED"


def test_each_units_lines_balance_on_their_own(client: TestClient) -> None:
    a, b = make_unit(client, "AAA"), make_unit(client, "BBB")
    body = entry(a["id"])
    body["lines"][1]["unit_id"] = b["id"]
    response = client.post("/journal-entries", json=body, headers=OFFICER)
    assert response.status_code == 422 and response.json()["code"] == "UNIT_UNBALANCED"


def test_reversal_cannot_predate_its_entry(client: TestClient) -> None:
    unit = make_unit(client)
    posted = ok(client.post("/journal-entries", json=entry(unit["id"]), headers=OFFICER), 201)
    early = {"reason": "backdated", "entry_date": last_month().isoformat()}
    response = client.post(f"/journal-entries/{posted['id']}/reverse", json=early, headers=OFFICER)
    assert response.status_code == 422 and response.json()["code"] == "REVERSAL_BEFORE_ENTRY"


def test_reversal_restores_balances_and_happens_once(client: TestClient) -> None:
    unit = make_unit(client)
    posted = ok(client.post("/journal-entries", json=entry(unit["id"]), headers=OFFICER), 201)
    reversal = ok(
        client.post(
            f"/journal-entries/{posted['id']}/reverse",
            json={"reason": "posted to the wrong unit"},
            headers=OFFICER,
        ),
        201,
    )
    assert reversal["reverses_id"] == posted["id"]
    tb = ok(client.get("/ledger/trial-balance", headers=AUDITOR))
    assert all(r["balance"] == "0.00" for r in tb["rows"])
    again = client.post(
        f"/journal-entries/{posted['id']}/reverse", json={"reason": "twice"}, headers=OFFICER
    )
    assert again.status_code == 409
    assert again.json()["code"] == "ALREADY_REVERSED"
    original = ok(client.get(f"/journal-entries/{posted['id']}", headers=AUDITOR))
    assert original["reversed_by_id"] == reversal["id"]


def test_balances_as_of_a_day_and_per_unit(client: TestClient) -> None:
    a, b = make_unit(client, "AAA"), make_unit(client, "BBB")
    ok(
        client.post("/journal-entries", json=entry(a["id"], "100.00", "100.00"), headers=OFFICER),
        201,
    )
    ok(
        client.post("/journal-entries", json=entry(b["id"], "250.00", "250.00"), headers=OFFICER),
        201,
    )
    per_a = ok(client.get("/ledger/trial-balance", params={"unit_id": a["id"]}, headers=AUDITOR))
    assert {r["account_code"]: r["balance"] for r in per_a["rows"]}["5001"] == "100.00"
    whole = ok(client.get("/ledger/trial-balance", headers=AUDITOR))
    assert {r["account_code"]: r["balance"] for r in whole["rows"]}["5001"] == "350.00"
    yesterday = today().toordinal() - 1
    before = ok(
        client.get(
            "/ledger/trial-balance",
            params={"as_of": date.fromordinal(yesterday).isoformat()},
            headers=AUDITOR,
        )
    )
    assert before["rows"] == []
    rows = client.get("/ledger/balances", params={"account": "5001"}, headers=AUDITOR).json()[
        "items"
    ]
    assert {(r["unit_id"], r["balance"]) for r in rows} == {
        (a["id"], "100.00"),
        (b["id"], "250.00"),
    }


def test_ledger_export_csv_and_xlsx(client: TestClient) -> None:
    unit = make_unit(client)
    ok(client.post("/journal-entries", json=entry(unit["id"]), headers=OFFICER), 201)
    d = today().isoformat()
    csv = client.get("/ledger/export", params={"date_from": d, "date_to": d}, headers=AUDITOR)
    assert csv.status_code == 200
    lines = csv.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("entry_number,entry_date")
    assert len(lines) == 3 and "AAB" in lines[1] and "500.00" in lines[1]
    xlsx = client.get(
        "/ledger/export", params={"date_from": d, "date_to": d, "format": "xlsx"}, headers=AUDITOR
    )
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def test_restricted_revenue_accounts_refuse_hand_made_entries(client: TestClient) -> None:
    unit = make_unit(client)
    body = entry(unit["id"])
    body["lines"][1]["account"] = "100201"  # spend the revenue collection account
    response = client.post("/journal-entries", json=body, headers=OFFICER)
    assert response.status_code == 422
    assert response.json()["code"] == "RESTRICTED_ACCOUNT"


def test_liaison_reads_only_its_own_unit(client: TestClient) -> None:
    a, b = make_unit(client, "AAA"), make_unit(client, "BBB")
    liaison = bearer("unit_liaison", sub="liaison-a", unit_id=a["id"])
    assert client.get("/ledger/trial-balance", headers=liaison).status_code == 200
    refused = client.get("/ledger/trial-balance", params={"unit_id": b["id"]}, headers=liaison)
    assert refused.status_code == 403
    assert client.post("/journal-entries", json=entry(a["id"]), headers=liaison).status_code == 403


def test_a_liaison_sees_only_its_own_units_lines(client: TestClient) -> None:
    a = make_unit(client, "AAA")
    ok(client.post("/journal-entries", json=entry(a["id"]), headers=OFFICER), 201)
    liaison_b = bearer("unit_liaison", sub="liaison-b", unit_id=make_unit(client, "BBB")["id"])
    assert ok(client.get("/journal-entries", headers=liaison_b))["total"] == 0
