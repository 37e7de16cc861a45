"""Separation of revenue and expenditure: revenue is owed to the treasury, remitted in full,
and can never pay for anything."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.types import today
from tests.finance.conftest import AUDITOR, OFFICER, make_unit, ok, ok_list
from tests.finance.treasury_support import Linked, linked_servers
from tests.support.databases import Databases
from tests.support.tokens import bearer


def receipt(unit_id: str, amount: str = "6000.00", days_ago: int = 0) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "kind": "rent",
        "amount": amount,
        "received_on": (today() - timedelta(days=days_ago)).isoformat(),
        "payer": "Canteen Operator Ltd",
        "reference": "LEASE-2026-007",
    }


def balances(client: Any, unit_id: str) -> dict[str, str]:
    rows = ok_list(client.get("/ledger/balances", params={"unit_id": unit_id}, headers=AUDITOR))
    return {r["account_code"]: r["balance"] for r in rows}


def test_revenue_is_owed_to_the_treasury_and_cannot_pay_an_expense(client: TestClient) -> None:
    unit = make_unit(client)
    ok(client.post("/revenue-receipts", json=receipt(unit["id"]), headers=OFFICER), 201)
    assert balances(client, unit["id"]) == {"100201": "6000.00", "2103": "6000.00"}
    # spending the collected revenue by hand is refused …
    spend = {
        "entry_date": today().isoformat(),
        "memo": "pay the cleaners from the rent",
        "lines": [
            {
                "account": "5001",
                "unit_id": unit["id"],
                "debit": "500.00",
                "economic_class": "30209",
            },
            {"account": "100201", "unit_id": unit["id"], "credit": "500.00"},
        ],
    }
    refused = client.post("/journal-entries", json=spend, headers=OFFICER)
    assert refused.status_code == 422 and refused.json()["code"] == "RESTRICTED_ACCOUNT"
    # … and a payment can only name a budget line, never revenue: revenue is no budget line
    response = client.post(
        "/payments",
        json={
            "unit_id": unit["id"],
            "method": "direct",
            "appropriation_id": str(uuid.uuid4()),
            "payee_name": "Cleaners",
            "payee_account": "62220001",
            "payee_bank": "Bank",
            "amount": "500.00",
            "purpose": "cleaning",
            "expense_account": "100201",
        },
        headers=OFFICER,
    )
    assert response.status_code == 422
    assert balances(client, unit["id"]) == {"100201": "6000.00", "2103": "6000.00"}


def test_unremitted_revenue_by_age(client: TestClient) -> None:
    unit = make_unit(client)
    for amount, age in (("10.00", 1), ("20.00", 15), ("40.00", 45), ("80.00", 200)):
        ok(
            client.post(
                "/revenue-receipts", json=receipt(unit["id"], amount, age), headers=OFFICER
            ),
            201,
        )
    report = ok(client.get("/revenue/unremitted", headers=AUDITOR))
    row = report["rows"][0]
    assert (row["days_0_7"], row["days_8_30"], row["days_31_90"], row["over_90"]) == (
        "10.00",
        "20.00",
        "40.00",
        "80.00",
    )
    assert report["total"] == "150.00" and row["receipts"] == 4


def test_revenue_event_from_a_peer_applies_once(client: TestClient) -> None:
    unit = make_unit(client)
    event = {
        "id": str(uuid.uuid4()),
        "type": "revenue.received",
        "source": "assets",
        "occurred_at": "2026-11-26T08:00:00Z",
        "payload": receipt(unit["id"], "1500.00"),
    }
    assets = bearer("service", sub="service:assets")
    first = ok(client.post("/events", json=event, headers=assets))
    again = ok(client.post("/events", json=event, headers=assets))
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    listed = ok(client.get("/revenue-receipts", headers=AUDITOR))
    assert listed["total"] == 1
    assert listed["items"][0]["source_event_id"] == event["id"]
    bad = {**event, "id": str(uuid.uuid4()), "payload": {"unit_id": unit["id"]}}
    assert client.post("/events", json=bad, headers=assets).status_code == 422
    assert ok(client.get("/revenue-receipts", headers=AUDITOR))["total"] == 1


def test_receipt_recording_is_idempotent_by_key(client: TestClient) -> None:
    unit = make_unit(client)
    headers = {**OFFICER, "Idempotency-Key": "rent-nov"}
    a = ok(client.post("/revenue-receipts", json=receipt(unit["id"]), headers=headers), 201)
    b = ok(client.post("/revenue-receipts", json=receipt(unit["id"]), headers=headers), 201)
    assert a["id"] == b["id"]
    assert ok(client.get("/revenue-receipts", headers=AUDITOR))["total"] == 1


@pytest.fixture
def linked(databases: Databases, tmp_path: Path) -> Any:
    with linked_servers(databases, tmp_path) as pair:
        yield pair


def test_remittance_in_full_through_the_treasury(linked: Linked) -> None:
    unit = make_unit(linked.http)
    made = ok(linked.http.post("/revenue-receipts", json=receipt(unit["id"]), headers=OFFICER), 201)
    remitting = ok(linked.http.post(f"/revenue-receipts/{made['id']}/remit", headers=OFFICER), 202)
    assert remitting["instruction_id"].startswith("RMT-")
    linked.wait_for(
        lambda: (
            ok(linked.http.get(f"/revenue-receipts/{made['id']}", headers=AUDITOR))["status"]
            == "remitted"
        ),
        what="remittance",
    )
    assert balances(linked.http, unit["id"]) == {"100201": "0.00", "2103": "0.00"}
    assert ok(linked.http.get("/revenue/unremitted", headers=AUDITOR))["total"] == "0.00"
    again = linked.http.post(f"/revenue-receipts/{made['id']}/remit", headers=OFFICER)
    assert again.status_code == 409
