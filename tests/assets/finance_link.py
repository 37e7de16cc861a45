"""Finance behind the assets outbox relay, in tests: finance's app on a switchable transport
(down, then up), its budget units, and one relay pass signed in as ``service:assets``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session

from shared.outbox import OutboxRelay
from shared.peers import PeerClient
from tests.finance.conftest import OFFICER, finance_app
from tests.support.databases import Databases
from tests.support.tokens import StaticToken


def finance_with_units(databases: Databases, *units: uuid.UUID) -> Iterator[TestClient]:
    """Finance's app with a budget unit for each of ``units``, for a fixture to yield."""
    app = finance_app(databases)
    with TestClient(app) as client:
        for n, unit in enumerate(units):
            code = f"U{n:02d}"
            body = {
                "id": str(unit),
                "code": code,
                "name": f"Unit {code}",
                "zba_account": f"ZBA-{code}-0001",
                "zba_bank": "Agent Bank",
            }
            assert client.post("/budget-units", json=body, headers=OFFICER).status_code == 201
        yield client
    app.state.treasury_client.close()
    app.state.engine.dispose()


class Finance(httpx.AsyncBaseTransport):
    """Finance's app behind a switch: while ``down``, every connection fails."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.down = True
        self.attempts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.down:
            raise httpx.ConnectError("finance is down", request=request)
        return await self.inner.handle_async_request(request)


def deliver(assets: FastAPI, transport: Finance) -> int:
    """One pass of the assets relay, signed in as ``service:assets``."""

    async def one_pass() -> int:
        async with httpx.AsyncClient(transport=transport) as http:
            token = StaticToken("service", sub="service:assets")
            peer = PeerClient("finance", "http://finance", http, token, timeout=5, retries=0)
            return await OutboxRelay(
                assets.state.engine, assets.state.outbox, {"finance": peer}
            ).deliver_due()

    return asyncio.run(one_pass())


def requeue(assets: FastAPI, **values: Any) -> None:
    """Make every event due now (backoff elapsed), with ``values`` set as well."""
    t = assets.state.outbox.table
    with Session(assets.state.engine) as session:
        session.execute(update(t).values(next_attempt_at=t.c.created_at, **values))
        session.commit()
