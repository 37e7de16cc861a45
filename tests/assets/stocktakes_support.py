"""Helpers of the stocktake tests: a unit's cards laid out in rooms, campaigns and scans."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from services.assets.register.models import AssetStatus
from services.assets.rights.models import Right, RightHolding, SubjectKind
from tests.assets.conftest import layout
from tests.assets.factories import insert_asset
from tests.support.tokens import bearer

UNIT = uuid.uuid4()
OTHER_UNIT = uuid.uuid4()
BUREAU = uuid.uuid4()  # holds the disposal right over the building (``grant``)
PROPOSER = bearer("asset_officer", sub="officer-one", unit_id=str(BUREAU))
SECOND = bearer("asset_officer", sub="officer-two", unit_id=str(BUREAU))
DIRECTOR = bearer("director", sub="director-one", unit_id=str(BUREAU))
UNIT_OFFICER = bearer("asset_officer", sub="officer-three", unit_id=str(UNIT))
LIAISON = bearer("unit_liaison", sub="liaison-one", unit_id=str(UNIT))
OTHER_LIAISON = bearer("unit_liaison", sub="liaison-two", unit_id=str(OTHER_UNIT))
AUDITOR = bearer("auditor")


def scene(client: TestClient, engine: Engine) -> dict[str, Any]:
    """Three rooms; the unit's cards ``home`` (room 1), ``away`` (room 2), ``gone`` (room 3),
    ``nowhere`` (no room), a disposed card, and a card of another unit in room 1."""
    made = layout(client)
    rooms = [uuid.UUID(r["id"]) for r in made["rooms"]]
    cards = {
        "home": insert_asset(engine, unit_id=UNIT, room_id=rooms[0], name="Desk"),
        "away": insert_asset(engine, unit_id=UNIT, room_id=rooms[1], name="Printer"),
        "gone": insert_asset(engine, unit_id=UNIT, room_id=rooms[2], name="Laptop"),
        "nowhere": insert_asset(engine, unit_id=UNIT, name="Projector"),
        "disposed": insert_asset(
            engine, unit_id=UNIT, room_id=rooms[0], status=AssetStatus.DISPOSED
        ),
        "foreign": insert_asset(engine, unit_id=OTHER_UNIT, room_id=rooms[0], name="Sofa"),
    }
    return {"rooms": rooms, "cards": cards, "layout": made}


def grant(engine: Engine, building_id: str | uuid.UUID, unit: uuid.UUID = BUREAU) -> None:
    """The disposal right over the building (its rooms and cards inherit it), held by
    ``unit`` from 2020 on."""
    with Session(engine) as session:
        session.add(
            RightHolding(
                subject_kind=SubjectKind.BUILDING,
                subject_id=uuid.UUID(str(building_id)),
                right=Right.DISPOSAL,
                holder_name="Agency Affairs Bureau",
                holder_unit_id=unit,
                valid_from=date(2020, 1, 1),
                recorded_by="test",
            )
        )
        session.commit()


def campaign(
    client: TestClient, *, start: bool = True, headers: dict[str, str] = PROPOSER, **fields: Any
) -> dict[str, Any]:
    data = {
        "name": "2026 annual stocktake",
        "scope": "unit",
        "unit_id": str(UNIT),
        "planned_start": "2026-11-01",
        "planned_end": "2026-12-31",
        **fields,
    }
    made = client.post("/stocktakes", json=data, headers=headers)
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    if start:
        started = client.post(f"/stocktakes/{body['id']}/start", headers=headers)
        assert started.status_code == 200, started.text
        body = started.json()
    return body


def scan(tag: str, room: uuid.UUID, *, seconds_ago: int = 10, **fields: Any) -> dict[str, Any]:
    at = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return {
        "scan_id": str(uuid.uuid4()),
        "tag": tag,
        "room_id": str(room),
        "counter": "Wang Fang",
        "scanned_at": at.isoformat(),
        **fields,
    }


def post(
    client: TestClient, campaign_id: str, scans: list[dict[str, Any]], headers: Any = PROPOSER
) -> Any:
    return client.post(f"/stocktakes/{campaign_id}/scans", json={"scans": scans}, headers=headers)


def results(client: TestClient, campaign_id: str, **params: Any) -> dict[str, dict[str, Any]]:
    page = client.get(
        f"/stocktakes/{campaign_id}/results", params={"limit": 200, **params}, headers=AUDITOR
    )
    assert page.status_code == 200, page.text
    return {r["tag"]: r for r in page.json()["items"]}


def the_scans(s: dict[str, Any]) -> list[dict[str, Any]]:
    """Scans making every outcome: home found, away found in room 1 (misplaced), nowhere
    found in room 2, gone missing, the foreign card's tag and an unknown tag surplus."""
    rooms, cards = s["rooms"], s["cards"]
    return [
        scan(cards["home"].number, rooms[0]),
        scan(cards["home"].number, rooms[1], seconds_ago=20),
        scan(cards["away"].number, rooms[0]),
        scan(cards["nowhere"].number, rooms[1]),
        scan(cards["foreign"].number, rooms[0]),
        scan("NOCARD-001", rooms[2], seconds_ago=30),
        scan("NOCARD-001", rooms[1], seconds_ago=5),
    ]
