"""depreciation.posted from assets: one balanced entry per unit and month, Dr 5001 (a line per
category) / Cr 1602, whatever the event id; refusals that leave the books as they were."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.finance.conftest import APPROVER, AUDITOR, ok, ok_list
from tests.finance.conftest import make_unit as make_unit
from tests.support.tokens import bearer

ASSETS = bearer("service", sub="service:assets")


def event(unit_id: str, **payload: Any) -> dict[str, Any]:
    body = {
        "unit_id": unit_id,
        "period": "2026-10",
        "entry_date": "2026-10-31",
        "amount": "410.00",
        "by_category": {"2010100": "200.00", "2200000": "210.00"},
        "assets": 4,
        "run_id": str(uuid.uuid4()),
        **payload,
    }
    return {
        "id": str(uuid.uuid4()),
        "type": "depreciation.posted",
        "source": "assets",
        "occurred_at": "2026-11-01T01:00:00Z",
        "payload": body,
    }


def entries(client: TestClient) -> list[dict[str, Any]]:
    return ok_list(
        client.get("/journal-entries", params={"source": "depreciation"}, headers=AUDITOR)
    )


def test_a_units_month_is_one_balanced_entry(client: TestClient) -> None:
    unit = make_unit(client)
    sent = event(unit["id"])
    assert ok(client.post("/events", json=sent, headers=ASSETS))["duplicate"] is False
    [entry] = entries(client)
    assert entry["entry_date"] == "2026-10-31"
    assert entry["source_ref"] == f"{unit['id']}:2026-10"
    assert entry["posted_by"] == "service:assets"
    assert entry["total"] == "410.00"
    lines = [(x["account_code"], x["debit"], x["credit"], x["memo"]) for x in entry["lines"]]
    assert lines == [
        ("5001", "200.00", "0.00", "category 2010100"),
        ("5001", "210.00", "0.00", "category 2200000"),
        ("1602", "0.00", "410.00", None),
    ]
    assert all(x["unit_id"] == unit["id"] for x in entry["lines"])
    balance = ok(client.get("/ledger/trial-balance", headers=AUDITOR))
    assert balance["balanced"] and balance["debit_total"] == "410.00"

    # the same event again: the inbox acknowledges it; another id for the same unit and
    # month (a run's event sent twice over): acknowledged, nothing posted
    assert ok(client.post("/events", json=sent, headers=ASSETS))["duplicate"] is True
    other = event(unit["id"], amount="1.00", by_category={"2010100": "1.00"})
    assert ok(client.post("/events", json=other, headers=ASSETS))["duplicate"] is False
    assert len(entries(client)) == 1
    # the next month is its own entry
    november = event(unit["id"], period="2026-11", entry_date="2026-11-30")
    ok(client.post("/events", json=november, headers=ASSETS))
    assert [e["entry_date"] for e in entries(client)] == ["2026-11-30", "2026-10-31"]


def test_refusals_post_nothing(client: TestClient) -> None:
    unit = make_unit(client)
    facilities = bearer("service", sub="service:facilities")
    foreign = {**event(unit["id"]), "source": "facilities"}
    response = client.post("/events", json=foreign, headers=facilities)
    assert response.status_code == 403 and response.json()["code"] == "NOT_A_POSTING_SOURCE"
    for payload in (
        {"amount": "400.00"},  # the categories add up to 410.00
        {"entry_date": "2026-10-30"},  # not the month's last day
        {"period": "2026-13"},
        {"amount": "0.00", "by_category": {"2010100": "0.00"}},
        {"by_category": {}},
    ):
        response = client.post("/events", json=event(unit["id"], **payload), headers=ASSETS)
        assert response.status_code == 422, payload
        assert response.json()["code"] == "BAD_EVENT_PAYLOAD", payload
    unknown = client.post("/events", json=event(str(uuid.uuid4())), headers=ASSETS)
    assert unknown.status_code == 422 and unknown.json()["code"] == "UNKNOWN_UNIT"
    assert entries(client) == []


def test_a_closed_month_is_refused_until_reopened(client: TestClient) -> None:
    unit = make_unit(client)
    ok(client.post("/periods/2026/10/close", headers=APPROVER))
    sent = event(unit["id"])
    response = client.post("/events", json=sent, headers=ASSETS)
    # the sender's relay keeps a 409 as a dead letter with this reason
    assert response.status_code == 409 and response.json()["code"] == "PERIOD_CLOSED"
    assert entries(client) == []
    reopen = client.post(
        "/periods/2026/10/reopen", json={"reason": "late depreciation"}, headers=APPROVER
    )
    ok(reopen)
    assert ok(client.post("/events", json=sent, headers=ASSETS))["duplicate"] is False
    assert len(entries(client)) == 1


def disposed(unit_id: str, value: str, accumulated: str, **fields: Any) -> dict[str, Any]:
    payload = {
        "unit_id": unit_id,
        "asset_id": str(uuid.uuid4()),
        "number": "A0001234",
        "category_code": "2010100",
        "disposed_on": "2026-10-20",
        "value": value,
        "accumulated_depreciation": accumulated,
        **fields,
    }
    return {
        "id": str(uuid.uuid4()),
        "type": "asset.disposed",
        "source": "assets",
        "occurred_at": "2026-10-20T01:00:00Z",
        "payload": payload,
    }


def write_offs(client: TestClient) -> list[dict[str, Any]]:
    return ok_list(
        client.get("/journal-entries", params={"source": "asset_disposal"}, headers=AUDITOR)
    )


def test_a_disposed_asset_is_written_off_once(client: TestClient) -> None:
    unit = make_unit(client)
    sent = disposed(unit["id"], "12000.00", "400.00")
    ok(client.post("/events", json=sent, headers=ASSETS))
    [entry] = write_offs(client)
    assert entry["entry_date"] == "2026-10-20"
    assert entry["source_ref"] == sent["payload"]["asset_id"]
    lines = [(x["account_code"], x["debit"], x["credit"]) for x in entry["lines"]]
    # Dr accumulated depreciation, Dr the net book value as a disposal expense, Cr the value
    assert lines == [
        ("1602", "400.00", "0.00"),
        ("5301", "11600.00", "0.00"),
        ("1601", "0.00", "12000.00"),
    ]
    again = {**sent, "id": str(uuid.uuid4())}
    assert ok(client.post("/events", json=again, headers=ASSETS))["duplicate"] is False
    assert len(write_offs(client)) == 1, "the same asset is written off once"

    fully = disposed(unit["id"], "6000.00", "6000.00")
    ok(client.post("/events", json=fully, headers=ASSETS))
    never = disposed(unit["id"], "800.00", "0.00")
    ok(client.post("/events", json=never, headers=ASSETS))
    by_ref = {e["source_ref"]: e for e in write_offs(client)}
    assert [x["account_code"] for x in by_ref[fully["payload"]["asset_id"]]["lines"]] == [
        "1602",
        "1601",
    ]
    assert [x["account_code"] for x in by_ref[never["payload"]["asset_id"]]["lines"]] == [
        "5301",
        "1601",
    ]
    too_much = disposed(unit["id"], "100.00", "100.01")
    response = client.post("/events", json=too_much, headers=ASSETS)
    assert response.status_code == 422 and response.json()["code"] == "BAD_EVENT_PAYLOAD"
    facilities = bearer("service", sub="service:facilities")
    foreign = {**disposed(unit["id"], "1.00", "0.00"), "source": "facilities"}
    assert client.post("/events", json=foreign, headers=facilities).status_code == 403
    assert len(write_offs(client)) == 3
