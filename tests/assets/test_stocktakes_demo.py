"""The demo stocktakes: nothing without cards, then a closed and an open campaign over the
units with the most cards (run by the caller's principal; a write-off approved by the
director of the bureau, the disposal right's holder), and a second seeding that changes
nothing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from services.assets.disposals.models import Disposal
from services.assets.stocktakes import demo
from shared.context import Principal, principal_var
from shared.db import for_writing, unit_of_work
from tests.assets.conftest import layout
from tests.assets.factories import insert_asset
from tests.assets.stocktakes_support import AUDITOR, grant

BUSY, QUIET, BUREAU = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
OFFICER = Principal(sub="u-officer", roles=frozenset({"asset_officer"}))


def test_no_cards_no_campaigns(engine: Engine, client: TestClient) -> None:
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session) is False
    assert client.get("/stocktakes", headers=AUDITOR).json()["total"] == 0


def test_demo_campaigns_and_a_second_run_that_changes_nothing(
    engine: Engine, client: TestClient
) -> None:
    made = layout(client)
    grant(engine, made["building"]["id"], BUREAU)
    rooms = [uuid.UUID(r["id"]) for r in made["rooms"]]
    for i in range(6):
        insert_asset(engine, unit_id=BUSY, room_id=rooms[i % 3])
    insert_asset(engine, unit_id=BUSY)  # no room: it cannot be found, its write-off rejected
    for i in range(4):
        insert_asset(engine, unit_id=QUIET, room_id=rooms[i % 3])
    token = principal_var.set(OFFICER)
    try:
        with unit_of_work(for_writing(engine)) as session:
            users = {"asset_officer": "ignored", "director": "u-dir"}
            assert demo.seed(session, users=users, bureau=BUREAU)
    finally:
        principal_var.reset(token)
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
        "found": 4,
        "misplaced": 1,
        "missing": 2,
        "surplus": 1,
    }
    decided = client.get(f"/stocktakes/{closed['id']}/proposals", headers=AUDITOR).json()
    assert sorted((p["kind"], p["status"]) for p in decided["items"]) == [
        ("new_card", "rejected"),
        ("relocate", "applied"),
        ("write_off", "approved"),
        ("write_off", "rejected"),
    ]
    approved = next(p for p in decided["items"] if p["status"] == "approved")
    assert (approved["proposed_by"], approved["decided_by"]) == ("u-officer", "u-dir")
    with Session(engine) as session:
        [disposal] = session.exec(select(Disposal)).all()
    assert (disposal.kind, disposal.holder_unit_id) == ("write_off", BUREAU)
    assert (open_["status"], open_["unit_id"], open_["expected_count"]) == ("open", str(QUIET), 4)
    now = client.get(f"/stocktakes/{open_['id']}/summary", headers=AUDITOR).json()
    assert (now["found"], now["missing"]) == (2, 2)
    audit = client.get("/audit", params={"limit": 1}, headers=AUDITOR).json()["total"]
    with unit_of_work(for_writing(engine)) as session:
        assert demo.seed(session) is False
    assert client.get("/stocktakes", headers=AUDITOR).json()["items"] == listed
    assert client.get("/audit", params={"limit": 1}, headers=AUDITOR).json()["total"] == audit
