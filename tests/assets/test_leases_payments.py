"""The rent schedule (hand-computed), payments of invoices and the revenue event to finance."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from services.finance.revenue.schemas import ReceiptCreate
from shared.types import today
from tests.assets.conftest import OFFICER
from tests.assets.lease_support import CENTRE, active, frontage, invoices, pay


def outbox(client: TestClient) -> list[dict[str, Any]]:
    app: Any = client.app
    t = app.state.outbox.table
    with Session(app.state.engine) as session:
        return [dict(r) for r in session.execute(select(t)).mappings()]


def test_the_schedule_rises_each_whole_year_and_charges_a_last_part_month(
    client: TestClient,
) -> None:
    f = frontage(client)
    # 30.00 + 20.00 m² at 61.37 a m²: 3,068.50 a month in year 1; +3.5 % a year
    lease = active(
        client,
        f["shops"][1:],
        starts_on="2026-01-31",
        ends_on="2028-03-14",
        rent_per_m2="61.37",
        escalation_pct="3.50",
        market_rent_per_m2="65.00",
    )
    got = invoices(client, lease["id"])
    assert len(got) == 26
    first, second = got[0], got[1]
    # a start on the 31st falls on the last day of shorter months
    assert (first["period_start"], first["period_end"], first["due_on"]) == (
        "2026-01-31",
        "2026-02-27",
        "2026-01-31",
    )
    assert (second["period_start"], second["due_on"]) == ("2026-02-28", "2026-02-28")
    assert got[2]["period_start"] == "2026-03-31"
    assert {i["amount"] for i in got[:12]} == {"3068.50"}
    # 3,068.50 × 1.035 = 3,175.8975 → 3,175.90
    assert {i["amount"] for i in got[12:24]} == {"3175.90"}
    # year 3: 3,068.50 × 1.035² = 3,287.0539125 → 3,287.05
    assert got[24]["amount"] == "3287.05"
    assert (got[24]["period_start"], got[24]["period_end"]) == ("2028-01-31", "2028-02-28")
    # the last month runs 2028-02-29 … 2028-03-30 (31 days), let for 15 of them:
    # 3,287.0539125 × 15 / 31 = 1,590.50996 → 1,590.51
    last = got[25]
    assert (last["period_start"], last["period_end"], last["amount"]) == (
        "2028-02-29",
        "2028-03-14",
        "1590.51",
    )
    assert [i["seq"] for i in got] == list(range(1, 27))


def test_a_payment_marks_the_invoice_paid_and_tells_finance_once(client: TestClient) -> None:
    f = frontage(client)
    lease = active(client, f["shops"][:1])  # 50.00 m² × 80.00 = 4,000.00 a month
    key = uuid.uuid4().hex
    paid = pay(client, lease["id"], 1, "4000.00", "2026-01-16", key=key)
    assert paid.status_code == 200, paid.text
    body = paid.json()
    assert (body["status"], body["paid_on"], body["payment_reference"]) == (
        "paid",
        "2026-01-16",
        "BANK-REF-1",
    )
    [event] = outbox(client)
    assert (event["event_type"], event["destination"]) == ("revenue.received", "finance")
    assert event["id"] == uuid.UUID(body["revenue_event_id"])
    receipt = ReceiptCreate.model_validate(event["payload"])  # what finance's inbox parses
    assert (str(receipt.unit_id), receipt.kind, str(receipt.amount)) == (CENTRE, "rent", "4000.00")
    assert receipt.received_on == date(2026, 1, 16)
    assert receipt.payer == "Jinling Tea House Co., Ltd."
    assert receipt.reference == "lease L-2026-001 month 1"

    # the same request again (a retry) replays the answer and sends nothing more
    replay = pay(client, lease["id"], 1, "4000.00", "2026-01-16", key=key)
    assert replay.status_code == 200
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == body
    # a new request paying it again is refused
    twice = pay(client, lease["id"], 1, "4000.00", "2026-01-17")
    assert twice.status_code == 409
    assert twice.json()["code"] == "INVOICE_PAID"
    assert len(outbox(client)) == 1
    statuses = [i["status"] for i in invoices(client, lease["id"])]
    assert statuses[:2] == ["paid", "due"]


def test_a_payment_needs_a_key_the_full_amount_and_a_past_day(client: TestClient) -> None:
    f = frontage(client)
    lease = active(client, f["shops"][:1])
    url = f"/leases/{lease['id']}/invoices/1/payments"
    body = {"paid_on": "2026-01-16", "amount": "4000.00"}
    no_key = client.post(url, json=body, headers=OFFICER)
    assert no_key.json()["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    part = pay(client, lease["id"], 1, "3999.99", "2026-01-16")
    assert (part.status_code, part.json()["code"]) == (422, "AMOUNT_MISMATCH")
    tomorrow = (today() + timedelta(days=2)).isoformat()
    future = pay(client, lease["id"], 1, "4000.00", tomorrow)
    assert future.json()["code"] == "FUTURE_DATE"
    missing = pay(client, lease["id"], 25, "4000.00", "2026-01-16")
    assert missing.status_code == 404
    assert outbox(client) == []
    assert {i["status"] for i in invoices(client, lease["id"])} == {"due"}


def test_a_cancelled_month_is_not_paid(client: TestClient) -> None:
    f = frontage(client)
    lease = active(client, f["shops"][:1])
    assert pay(client, lease["id"], 5, "4000.00", "2026-01-16").status_code == 200
    ended = client.post(
        f"/leases/{lease['id']}/terminate",
        json={"terminated_on": "2026-03-01", "reason": "Closing"},
        headers=OFFICER,
    )
    # month 5 (from 2026-05-15) is paid: refund it before terminating earlier
    assert ended.json()["code"] == "PAID_BEYOND_TERMINATION"
    ended = client.post(
        f"/leases/{lease['id']}/terminate",
        json={"terminated_on": "2026-06-01", "reason": "Closing"},
        headers=OFFICER,
    )
    assert ended.status_code == 200
    refused = pay(client, lease["id"], 7, "4000.00", "2026-01-16")
    assert refused.json()["code"] == "INVOICE_CANCELLED"
    # a month before the termination is still collected
    assert pay(client, lease["id"], 2, "4000.00", "2026-02-16").status_code == 200
    assert len(outbox(client)) == 2
