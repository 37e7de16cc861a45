"""Places read from assets: cached with their age, answered from the cache when assets is
down, 503 when nothing is cached, 422 for an id assets does not know."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from tests.facilities.conftest import OFFICER, Suite, layout, ok
from tests.facilities.support import checklists, plan_round


def test_a_place_shows_its_parents_and_unit(suite: Suite) -> None:
    unit = str(uuid.uuid4())
    place = layout(suite.assets, unit_id=unit)
    room = ok(suite.client.get(f"/places/room/{place['room']['id']}", headers=OFFICER))
    assert room["compound_name"] == "Compound C1" and room["building_name"] == "Block 1"
    assert room["room_name"] == "0101" and room["unit_id"] == unit
    assert room["cached"] is False and room["age_seconds"] == 0


def test_unknown_ids_and_kinds_are_refused(suite: Suite) -> None:
    place = layout(suite.assets)
    unknown = suite.client.get(f"/places/building/{uuid.uuid4()}", headers=OFFICER)
    assert unknown.status_code == 422 and unknown.json()["code"] == "UNKNOWN_LOCATION"
    ok(suite.client.get(f"/places/compound/{place['compound']['id']}", headers=OFFICER))
    wrong_kind = suite.client.get(f"/places/room/{place['compound']['id']}", headers=OFFICER)
    assert wrong_kind.status_code == 422 and wrong_kind.json()["code"] == "UNKNOWN_LOCATION"


def test_when_assets_is_down_the_cache_answers_with_its_age(suite: Suite, engine: Engine) -> None:
    client = suite.client
    place = layout(suite.assets)
    checklists(client)
    round_ = plan_round(client, place["compound"]["id"], start=False)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE facilities_place_cache SET fetched_at = :at"), {"at": an_hour_ago}
        )
    suite.link.down = True
    detail = ok(client.get(f"/inspection-rounds/{round_['id']}", headers=OFFICER))
    assert detail["place"]["cached"] is True and detail["place"]["age_seconds"] >= 3600
    assert detail["place"]["compound_name"] == "Compound C1"
    assert datetime.fromisoformat(detail["place"]["as_of"]) <= an_hour_ago + timedelta(seconds=1)
    # a round of the same compound is still planned, from the cache
    ok(
        client.post(
            "/inspection-rounds",
            json={
                "compound_id": place["compound"]["id"],
                "planned_on": "2026-03-01",
                "inspectors": [str(uuid.uuid4())],
            },
            headers=OFFICER,
        ),
        201,
    )
    # a building never read: nothing to answer from
    never = client.get(f"/places/building/{place['buildings'][1]['id']}", headers=OFFICER)
    assert never.status_code == 503 and never.json()["code"] == "LOCATIONS_UNAVAILABLE"
    body = {
        "compound_id": place["compound"]["id"],
        "building_ids": [place["buildings"][1]["id"]],
        "planned_on": "2026-03-01",
        "inspectors": [str(uuid.uuid4())],
    }
    refused = client.post("/inspection-rounds", json=body, headers=OFFICER)
    assert refused.status_code == 503 and refused.json()["code"] == "LOCATIONS_UNAVAILABLE"
    assert ok(client.get("/inspection-rounds", headers=OFFICER))["total"] == 2
    suite.link.down = False
    fresh = ok(client.get(f"/places/compound/{place['compound']['id']}", headers=OFFICER))
    assert fresh["cached"] is False and fresh["age_seconds"] == 0


def test_a_fresh_reading_is_not_read_again(suite: Suite) -> None:
    place = layout(suite.assets)
    suite.app.state.settings.place_fresh_seconds = 300
    path = f"/places/compound/{place['compound']['id']}"
    ok(suite.client.get(path, headers=OFFICER))
    asked = suite.link.requests
    again = ok(suite.client.get(path, headers=OFFICER))
    assert suite.link.requests == asked and again["cached"] is False


def test_without_an_address_for_assets_only_the_cache_answers(suite: Suite) -> None:
    place = layout(suite.assets)
    path = f"/places/compound/{place['compound']['id']}"
    ok(suite.client.get(path, headers=OFFICER))
    del suite.app.state.peers["assets"]
    assert ok(suite.client.get(path, headers=OFFICER))["cached"] is True
    never = suite.client.get(f"/places/room/{place['room']['id']}", headers=OFFICER)
    assert never.status_code == 503 and never.json()["code"] == "LOCATIONS_UNAVAILABLE"
