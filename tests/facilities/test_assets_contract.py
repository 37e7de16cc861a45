"""The contract facilities relies on, checked against the real assets app in-process: the
fields of a compound, a building and a room that ``clients.assets`` and ``locations`` read,
and a 404 for an id assets does not know."""

from __future__ import annotations

import uuid

import anyio
import httpx
from sqlalchemy import Engine
from sqlmodel import Session

from services.assets.config import AssetsSettings
from services.assets.main import create_app as assets_app
from services.facilities.clients.assets import AssetsClient
from services.facilities.locations.models import PlaceKind
from services.facilities.locations.service import remember
from tests.facilities.conftest import Suite, layout
from tests.support.tokens import StaticToken, verifier


def test_assets_answers_what_facilities_reads(suite: Suite, engine: Engine) -> None:
    place = layout(suite.assets, unit_id=str(uuid.uuid4()))
    app = assets_app(
        AssetsSettings(),
        engine=suite.assets.app.state.engine,  # type: ignore[attr-defined]
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )

    async def read() -> list[dict[str, object] | None]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
            client = AssetsClient("assets", "http://assets", http, StaticToken("service"))
            return [
                await client.place("compound", uuid.UUID(place["compound"]["id"])),
                await client.place("building", uuid.UUID(place["buildings"][0]["id"])),
                await client.place("room", uuid.UUID(place["room"]["id"])),
                await client.place("room", uuid.uuid4()),
            ]

    compound, building, room, missing = anyio.run(read)
    assert missing is None
    assert compound is not None and building is not None and room is not None
    assert {"id", "code", "name", "active"} <= compound.keys()
    assert {"id", "code", "name", "active", "compound_id"} <= building.keys()
    assert {"id", "code", "number", "name", "active", "compound_id", "building_id", "unit_id"} <= (
        room.keys()
    )
    assert building["compound_id"] == compound["id"] and room["building_id"] == building["id"]
    assert room["unit_id"] == place["room"]["unit_id"]
    with Session(engine) as session:
        for kind, data in (
            (PlaceKind.COMPOUND, compound),
            (PlaceKind.BUILDING, building),
            (PlaceKind.ROOM, room),
        ):
            cached = remember(session, kind, data)
            assert str(cached.compound_id) == compound["id"]
        assert str(cached.unit_id) == room["unit_id"] and cached.name == "0101"
