"""The facilities service on a fresh, migrated database, reading places from a real assets app
run in-process (its requests go through a link the tests can cut), and helpers that lay out
checklists, rounds and answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.assets.config import AssetsSettings
from services.assets.main import create_app as assets_app
from services.facilities.clients.assets import AssetsClient
from services.facilities.config import FacilitiesSettings
from services.facilities.main import create_app
from tests.support.databases import Databases
from tests.support.tokens import StaticToken, bearer, verifier

OFFICER = bearer("facilities_officer")
ASSET_OFFICER = bearer("asset_officer")


class Link(httpx.AsyncBaseTransport):
    """The way to a peer app in-process; ``down`` cuts it (a connection refused)."""

    def __init__(self, app: FastAPI) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.down = False
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class Suite:
    client: TestClient  # facilities
    assets: TestClient  # assets, to lay out real estate
    link: Link  # facilities → assets
    app: FastAPI


@pytest.fixture
def engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("facilities")
    yield engine
    engine.dispose()


@pytest.fixture
def assets_engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("assets")
    yield engine
    engine.dispose()


@pytest.fixture
def suite(engine: Engine, assets_engine: Engine) -> Iterator[Suite]:
    peer = assets_app(
        AssetsSettings(),
        engine=assets_engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    # every place is read again from assets (nothing is fresh), so an outage shows at once
    settings = FacilitiesSettings(place_fresh_seconds=0)
    link = Link(peer)
    http = httpx.AsyncClient(transport=link)
    reader = AssetsClient("assets", "http://assets", http, StaticToken("service"), retries=0)
    app = create_app(
        settings,
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
        peers={"assets": reader},
    )
    with TestClient(peer) as assets, TestClient(app) as client:
        yield Suite(client=client, assets=assets, link=link, app=app)


@pytest.fixture
def client(suite: Suite) -> TestClient:
    return suite.client


@pytest.fixture
def known_places(suite: Suite, engine: Engine) -> None:
    """The upkeep tests' places cached as fresh readings (``upkeep_support.cache_places``)."""
    from tests.facilities.upkeep_support import cache_places

    suite.app.state.settings.place_fresh_seconds = 3600
    cache_places(engine)


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def layout(assets: TestClient, code: str = "C1", unit_id: str | None = None) -> dict[str, Any]:
    """A compound with two buildings; the first has a floor with a room (of ``unit_id``)."""

    def made(path: str, **data: Any) -> Any:
        return ok(assets.post(path, json=data, headers=ASSET_OFFICER), 201)

    compound = made(
        "/compounds",
        code=code,
        name=f"Compound {code}",
        name_zh=f"{code}大院",
        address="1 People's Road",
        land_area_m2="50000.00",
    )
    buildings = [
        made(
            "/buildings",
            code=f"{code}-B0{n}",
            compound_id=compound["id"],
            name=f"Block {n}",
            kind="office",
            gross_floor_area_m2="6000.00",
        )
        for n in (1, 2)
    ]
    floor = made("/floors", building_id=buildings[0]["id"], level=1)
    room = made(
        "/rooms",
        code=f"{code}-B01-0101",
        building_id=buildings[0]["id"],
        floor_id=floor["id"],
        number="0101",
        use="office",
        area_m2="18.50",
        unit_id=unit_id,
    )
    return {"compound": compound, "buildings": buildings, "room": room}
