"""Safety zones, entrances and fire equipment name assets' places, checked through the same
facade as work orders (``sites.checked``, ``locations.require_place``) against a real assets
app: an unknown place or one outside its building or compound is refused and writes nothing;
with assets down the cached reading answers, and a place never read is 503."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.facilities.conftest import Suite, layout
from tests.facilities.upkeep_support import AUDITOR, SECURITY, ok, refused

SINCE = date(2026, 1, 1).isoformat()


def _counts(client: TestClient) -> dict[str, int]:
    paths = ("/safety-zones", "/entrances", "/fire-equipment", "/audit")
    return {p: ok(client.get(p, headers=AUDITOR))["total"] for p in paths}


def _made(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return ok(client.post(path, json=body, headers=SECURITY), 201)


def _zone(code: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Zone {code}", **fields}


def _item(code: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "kind": "extinguisher", "check_interval_days": 30,
            "in_service_from": SINCE, **fields}  # fmt: skip


def test_unknown_and_mismatched_places_are_refused_and_write_nothing(suite: Suite) -> None:
    client = suite.client
    here, there = layout(suite.assets), layout(suite.assets, "C2")
    compound, (b1, b2), room = here["compound"]["id"], here["buildings"], here["room"]["id"]
    elsewhere = there["buildings"][0]["id"]
    ghost = str(uuid.uuid4())
    before = _counts(client)
    refusals = [
        ("/safety-zones", _zone("Z1", building_ids=[b1["id"], ghost]), "UNKNOWN_LOCATION"),
        ("/safety-zones", _zone("Z1", compound_id=ghost, area_name="Car park"),
         "UNKNOWN_LOCATION"),
        ("/safety-zones", _zone("Z1", compound_id=compound, building_ids=[elsewhere]),
         "LOCATION_MISMATCH"),
        ("/entrances", {"building_id": ghost, "label": "1"}, "UNKNOWN_LOCATION"),
        ("/fire-equipment", _item("EXT-1", building_id=ghost), "UNKNOWN_LOCATION"),
        ("/fire-equipment", _item("EXT-1", room_id=ghost), "UNKNOWN_LOCATION"),
        ("/fire-equipment", _item("EXT-1", building_id=b2["id"], room_id=room),
         "LOCATION_MISMATCH"),
    ]  # fmt: skip
    for path, body, code in refusals:
        refused(client.post(path, json=body, headers=SECURITY), 422, code)
    assert _counts(client) == before

    zone = _made(
        client, "/safety-zones", _zone("Z1", compound_id=compound, building_ids=[b1["id"]])
    )
    # a room alone names its building, and the item takes that building's zone
    item = _made(client, "/fire-equipment", _item("EXT-1", room_id=room))
    assert (item["building_id"], item["zone_id"]) == (b1["id"], zone["id"])
    outside = _item("EXT-2", zone_id=zone["id"], building_id=elsewhere)
    refused(client.post("/fire-equipment", json=outside, headers=SECURITY), 422,
            "LOCATION_MISMATCH")  # fmt: skip
    _made(client, "/entrances", {"building_id": b1["id"], "label": "Entrance 1"})

    before = _counts(client)
    zone_url, item_url = f"/safety-zones/{zone['id']}", f"/fire-equipment/{item['id']}"
    corrections = [
        (zone_url, {"building_ids": [ghost]}, "UNKNOWN_LOCATION"),
        (zone_url, {"building_ids": [b1["id"], elsewhere]}, "LOCATION_MISMATCH"),
        (zone_url, {"compound_id": there["compound"]["id"]}, "LOCATION_MISMATCH"),
        (item_url, {"room_id": ghost}, "UNKNOWN_LOCATION"),
        (item_url, {"building_id": b2["id"]}, "LOCATION_MISMATCH"),  # its room is in b1
        (item_url, {"building_id": elsewhere, "room_id": None}, "LOCATION_MISMATCH"),
    ]
    for url, body, code in corrections:
        refused(client.patch(url, json=body, headers=SECURITY), 422, code)
    assert _counts(client) == before
    assert ok(client.get(zone_url, headers=AUDITOR)) == zone
    assert ok(client.get(item_url, headers=AUDITOR)) == item
    moved = ok(client.patch(item_url, json={"building_id": b2["id"], "room_id": None},
                            headers={**SECURITY, "If-Match": '"1"'}))  # fmt: skip
    assert (moved["building_id"], moved["room_id"], moved["version"]) == (b2["id"], None, 2)


def test_with_assets_down_the_cache_answers_and_a_place_never_read_is_503(suite: Suite) -> None:
    client = suite.client
    here = layout(suite.assets)
    compound, (b1, b2), room = here["compound"]["id"], here["buildings"], here["room"]["id"]
    ok(client.get(f"/places/room/{room}", headers=AUDITOR))  # room, b1 and compound cached
    suite.link.down = True
    zone = _made(
        client, "/safety-zones", _zone("Z1", compound_id=compound, building_ids=[b1["id"]])
    )
    item = _made(client, "/fire-equipment", _item("EXT-1", room_id=room))
    assert (item["building_id"], item["zone_id"]) == (b1["id"], zone["id"])
    _made(client, "/entrances", {"building_id": b1["id"], "label": "1"})

    before = _counts(client)
    never = [
        ("POST", "/safety-zones", _zone("Z2", building_ids=[b2["id"]])),
        ("POST", "/fire-equipment", _item("EXT-2", building_id=b2["id"])),
        ("POST", "/entrances", {"building_id": b2["id"], "label": "1"}),
        ("PATCH", f"/safety-zones/{zone['id']}", {"building_ids": [b1["id"], b2["id"]]}),
        ("PATCH", f"/fire-equipment/{item['id']}", {"building_id": b2["id"], "room_id": None}),
    ]
    for method, path, body in never:
        refused(client.request(method, path, json=body, headers=SECURITY), 503,
                "LOCATIONS_UNAVAILABLE")  # fmt: skip
    assert _counts(client) == before
    assert ok(client.get(f"/safety-zones/{zone['id']}", headers=AUDITOR)) == zone

    suite.link.down = False
    both = sorted([b1["id"], b2["id"]])
    grown = ok(client.patch(f"/safety-zones/{zone['id']}", json={"building_ids": both},
                            headers=SECURITY))  # fmt: skip
    assert grown["building_ids"] == both
