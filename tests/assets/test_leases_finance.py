"""A rent payment reaches finance through the outbox and the inbox as one revenue receipt of
the operator's budget unit, however often it is delivered."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from services.finance.config import FinanceSettings
from services.finance.main import create_app as create_finance
from shared.outbox import OutboxRelay
from shared.peers import PeerClient
from shared.types import today
from tests.assets.lease_support import CENTRE, active, frontage, invoices, pay
from tests.support.databases import Databases
from tests.support.tokens import StaticToken, bearer, verifier

FINANCE_OFFICER = bearer("finance_officer")


@pytest.fixture
def finance(databases: Databases) -> Iterator[TestClient]:
    engine = databases.fresh_engine("finance")
    settings = FinanceSettings(treasury_url="http://127.0.0.1:9")
    app = create_finance(settings, engine=engine, verifier=verifier(), run_relay=False,
                         access_log=False)  # fmt: skip
    with TestClient(app) as client:
        yield client
    app.state.treasury_client.close()
    engine.dispose()


def deliver(assets: FastAPI, finance: FastAPI) -> int:
    """One pass of the assets relay, signed in as ``service:assets``, into finance's app."""

    async def run() -> int:
        transport = httpx.ASGITransport(app=finance)
        async with httpx.AsyncClient(transport=transport) as http:
            token = StaticToken("service", sub="service:assets")
            peer = PeerClient("finance", "http://finance", http, token, timeout=5, retries=0)
            relay = OutboxRelay(assets.state.engine, assets.state.outbox, {"finance": peer})
            return await relay.deliver_due()

    return asyncio.run(run())


def test_a_rent_payment_becomes_one_receipt_in_finance(
    client: TestClient, finance: TestClient
) -> None:
    assets_app: Any = client.app
    unit = {"id": CENTRE, "code": "SVC", "name": "Service centre",
            "zba_account": "ZBA-SVC-0001", "zba_bank": "Agent Bank"}  # fmt: skip
    made = finance.post("/budget-units", json=unit, headers=FINANCE_OFFICER)
    assert made.status_code == 201, made.text
    f = frontage(client)
    lease = active(client, f["shops"][:1])
    day = today().isoformat()
    assert pay(client, lease["id"], 1, "4000.00", day).status_code == 200

    assert deliver(assets_app, finance.app) == 1  # type: ignore[arg-type]
    # delivered again (an acknowledgement lost on the way): finance books it once
    t = assets_app.state.outbox.table
    with Session(assets_app.state.engine) as session:
        session.execute(update(t).values(delivered_at=None))
        session.commit()
    assert deliver(assets_app, finance.app) == 1  # type: ignore[arg-type]

    receipts = finance.get("/revenue-receipts", headers=FINANCE_OFFICER)
    assert receipts.status_code == 200, receipts.text
    [receipt] = receipts.json()["items"]
    assert (receipt["unit_id"], receipt["kind"], receipt["amount"]) == (CENTRE, "rent", "4000.00")
    assert (receipt["received_on"], receipt["payer"]) == (day, "Jinling Tea House Co., Ltd.")
    assert receipt["source_event_id"] == invoices(client, lease["id"])[0]["revenue_event_id"]
    assert receipt["recorded_by"] == "service:assets"
