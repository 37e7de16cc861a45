"""Helpers that make checklists, rounds and answers through the facilities API."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.facilities.conftest import OFFICER, Suite, layout, ok

INSPECTOR = str(uuid.uuid4())
SECOND_INSPECTOR = str(uuid.uuid4())


def checklists(client: TestClient) -> list[dict[str, Any]]:
    """Two small checklists: fire (3 items, the first critical) and roads (2 items)."""
    fire = {
        "category": "fire",
        "title": "Fire safety",
        "items": [
            {"code": "FIRE-01", "text": "Extinguishers in date", "severity": "critical"},
            {"code": "FIRE-02", "text": "Exits clear", "severity": "major"},
            {"code": "FIRE-03", "text": "Signs lit", "severity": "minor"},
        ],
    }
    roads = {
        "category": "roads",
        "title": "Roads",
        "items": [
            {"code": "ROAD-01", "text": "No potholes", "severity": "minor"},
            {"code": "ROAD-02", "text": "Drains clear", "severity": "major"},
        ],
    }
    return [ok(client.post("/checklists", json=c, headers=OFFICER), 201) for c in (fire, roads)]


def plan_round(
    client: TestClient,
    compound_id: str,
    *,
    building_ids: list[str] | None = None,
    start: bool = True,
) -> dict[str, Any]:
    body = {
        "compound_id": compound_id,
        "building_ids": building_ids or [],
        "planned_on": (datetime.now(UTC) - timedelta(days=2)).date().isoformat(),
        "inspectors": [INSPECTOR, SECOND_INSPECTOR],
    }
    round_ = ok(client.post("/inspection-rounds", json=body, headers=OFFICER), 201)
    if start:
        ok(client.post(f"/inspection-rounds/{round_['id']}/start", headers=OFFICER))
    return round_


def items_of(client: TestClient, round_: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The round's items by code."""
    found = {}
    for checklist_id in round_["checklist_ids"]:
        for item in ok(client.get(f"/checklists/{checklist_id}", headers=OFFICER))["items"]:
            found[item["code"]] = item
    return found


def answer(item: dict[str, Any], outcome: str = "ok", **fields: Any) -> dict[str, Any]:
    data = {
        "item_id": item["id"],
        "outcome": outcome,
        "inspector_id": INSPECTOR,
        "answered_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        **fields,
    }
    if outcome == "defect":
        data.setdefault("note", "broken")
    return data


def post(client: TestClient, round_id: str, answers: list[dict[str, Any]]) -> Any:
    return client.post(
        f"/inspection-rounds/{round_id}/answers", json={"answers": answers}, headers=OFFICER
    )


def found(suite: Suite, *answers: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    """A layout, checklists, a started round with ``answers`` (code, outcome, fields)."""
    place = layout(suite.assets, unit_id=str(uuid.uuid4()))
    checklists(suite.client)
    round_ = plan_round(suite.client, place["compound"]["id"])
    items = items_of(suite.client, round_)
    batch = [answer(items[code], outcome, **fields) for code, outcome, fields in answers]
    ok(post(suite.client, round_["id"], batch))
    hazards = ok(suite.client.get("/hazards", headers=OFFICER))["items"]
    return {"place": place, "round": round_, "items": items, "hazards": hazards}
