"""Depreciation reaches finance through the outbox, as a service, over HTTP: once per unit
and month, also when finance was down at first, when events are delivered twice, and after a
closed month (a dead letter until finance reopens the month)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.assets.depreciation_support import outbox_rows, run
from tests.assets.factories import insert_asset
from tests.assets.finance_link import Finance, deliver, finance_with_units, requeue
from tests.finance.conftest import APPROVER, AUDITOR
from tests.support.databases import Databases

UNIT_A = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
UNIT_B = uuid.UUID("00000000-0000-4000-8000-0000000000b1")
ELECTRICAL = "2200000"  # 5 years


@pytest.fixture
def finance(databases: Databases) -> Iterator[TestClient]:
    yield from finance_with_units(databases, UNIT_A, UNIT_B)


def entries(finance: TestClient) -> list[dict[str, Any]]:
    response = finance.get("/journal-entries", params={"source": "depreciation"}, headers=AUDITOR)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_posted_once_per_unit_and_month_with_finance_down_at_first(
    client: TestClient, finance: TestClient
) -> None:
    assets: FastAPI = client.app  # type: ignore[assignment]
    engine = assets.state.engine
    for unit, value in ((UNIT_A, "12000.00"), (UNIT_A, "6000.00"), (UNIT_B, "3000.00")):
        insert_asset(
            engine,
            unit_id=unit,
            value=value,
            category_code=ELECTRICAL,
            acquired_on=date(2025, 3, 1),
        )
    run(client, "2026-10")
    run(client, "2026-11")
    assert len(outbox_rows(assets)) == 4, "two units, two months"

    transport = Finance(finance.app)  # type: ignore[arg-type]
    assert deliver(assets, transport) == 0
    assert transport.attempts == 1, "after one failure the rest of finance's queue waits"
    rows = outbox_rows(assets)
    assert all(r["delivered_at"] is None and r["dead_at"] is None for r in rows)
    assert rows[0]["attempts"] == 1 and "ConnectError" in rows[0]["last_error"]
    assert entries(finance) == []

    transport.down = False
    requeue(assets)
    assert deliver(assets, transport) == 4
    assert deliver(assets, transport) == 0, "nothing is left to send"
    posted = {(e["source_ref"], e["total"]) for e in entries(finance)}
    # A: 12,000/60 + 6,000/60 = 300.00; B: 3,000/60 = 50.00
    assert posted == {
        (f"{UNIT_A}:2026-10", "300.00"),
        (f"{UNIT_A}:2026-11", "300.00"),
        (f"{UNIT_B}:2026-10", "50.00"),
        (f"{UNIT_B}:2026-11", "50.00"),
    }

    # delivered twice over (a relay that lost its acknowledgements): applied once
    requeue(assets, delivered_at=None)
    assert deliver(assets, transport) == 4
    assert len(entries(finance)) == 4
    # the month run again posts nothing new either
    run(client, "2026-11", 200)
    assert len(outbox_rows(assets)) == 4
    trial = finance.get("/ledger/trial-balance", headers=AUDITOR).json()
    assert trial["balanced"]
    rows_1602 = [r for r in trial["rows"] if r["account_code"] == "1602"]
    # 1602 is an asset account carrying a credit balance: accumulated depreciation
    assert [(r["credit_total"], r["balance"]) for r in rows_1602] == [("700.00", "-700.00")]


def test_a_closed_month_is_a_dead_letter_until_finance_reopens_it(
    client: TestClient, finance: TestClient
) -> None:
    assets: FastAPI = client.app  # type: ignore[assignment]
    insert_asset(assets.state.engine, unit_id=UNIT_A, value="12000.00", category_code=ELECTRICAL)
    closed = finance.post("/periods/2026/11/close", headers=APPROVER)
    assert closed.status_code == 200, closed.text
    run(client, "2026-11")
    transport = Finance(finance.app)  # type: ignore[arg-type]
    transport.down = False
    assert deliver(assets, transport) == 0
    [row] = outbox_rows(assets)
    assert row["dead_at"] is not None, "refused for good: kept, not retried by itself"
    assert "409" in row["last_error"] and "PERIOD_CLOSED" in row["last_error"]
    assert entries(finance) == []

    reopened = finance.post(
        "/periods/2026/11/reopen", json={"reason": "depreciation arrived late"}, headers=APPROVER
    )
    assert reopened.status_code == 200, reopened.text
    requeue(assets, dead_at=None)
    assert deliver(assets, transport) == 1
    [entry] = entries(finance)
    assert (entry["entry_date"], entry["total"]) == ("2026-11-30", "200.00")
