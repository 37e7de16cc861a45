"""The demo stocktakes: nothing without cards, then a closed and an open campaign over the
units with the most cards, and a second seeding that changes nothing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.assets.stocktakes import demo
from shared.db import for_writing, unit_of_work
from tests.assets.conftest import layout
from tests.assets.factories import insert_asset
from tests.assets.stocktakes_support import AUDITOR

BUSY, QUIET = uuid.uuid4(), uuid.uuid4()


def test_no_cards_no_campaigns(engine: Engine, client: TestClient) -> None:
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session) is False
    assert client.get("/stocktakes", headers=AUDITOR).json()["total"] == 0


def test_demo_campaigns_and_a_second_run_that_changes_nothing(
    engine: Engine, client: TestClient
) -> None:
    rooms = [uuid.UUID(r["id"]) for r in layout(client)["rooms"]]
    for i in range(6):
        insert_asset(engine, unit_id=BUSY, room_id=rooms[i % 3])
    insert_asset(engine, unit_id=BUSY)  # no room: it cannot be found, its write-off rejected
    for i in range(4):
        insert_asset(engine, unit_id=QUIET, room_id=rooms[i % 3])
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session, users={"asset_officer": "u-officer", "director": "u-dir"})
    listed = client.get("/stocktakes", headers=AUDITOR).json()["items"]
    by_name = {c["name"]: c for c in listed}
    closed, open_ = by_name[demo.CLOSED_NAME], by_name[demo.OPEN_NAME]
    assert (closed["status"], closed["unit_id"], closed["closed_by"]) == (
        "closed",
        str(BUSY),
        "u-officer",
    )
    summary = client.get(f"/stocktakes/{closed['id']}/summary", headers=AUDITOR).json()
    assert {k: summary[k] for k in ("expected", "found", "misplaced", "missing", "surplus")} == {
        "expected": 7,
        "found": 5,
        "misplaced": 1,
        "missing": 1,
        "surplus": 1,
    }
    decided = client.get(f"/stocktakes/{closed['id']}/proposals", headers=AUDITOR).json()
    assert sorted((p["kind"], p["status"]) for p in decided["items"]) == [
        ("new_card", "rejected"),
        ("relocate", "applied"),
        ("write_off", "rejected"),
    ]
    assert (open_["status"], open_["unit_id"], open_["expected_count"]) == ("open", str(QUIET), 4)
    now = client.get(f"/stocktakes/{open_['id']}/summary", headers=AUDITOR).json()
    assert (now["found"], now["missing"]) == (2, 2)
    audit = client.get("/audit", params={"limit": 1}, headers=AUDITOR).json()["total"]
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session) is False
    assert client.get("/stocktakes", headers=AUDITOR).json()["items"] == listed
    assert client.get("/audit", params={"limit": 1}, headers=AUDITOR).json()["total"] == audit
