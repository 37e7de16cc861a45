"""A stocktake's write-off (盘亏核销) is a disposal: the disposal right's holder decides it, a
card awaiting a disposal is not written off, a proposal the scans since overtook is not
approved; relocations and new cards follow the register's rules."""

from __future__ import annotations

import io
import uuid
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from services.assets.disposals.models import Disposal
from services.assets.realestate.models import Room
from services.assets.register.models import AssetStatus
from tests.assets.stocktakes_support import (
    AUDITOR,
    BUREAU,
    DIRECTOR,
    PROPOSER,
    SECOND,
    UNIT,
    UNIT_OFFICER,
    campaign,
    grant,
    post,
    scan,
    scene,
    the_scans,
)
from tests.assets.test_stocktakes_reconcile import SURPLUS_CARD, card, decide, events, proposals


def reconciled(client: TestClient, engine: Engine, *, granted: bool = True) -> dict[str, Any]:
    s = scene(client, engine)
    if granted:
        grant(engine, s["layout"]["building"]["id"])
    c = campaign(client)
    post(client, c["id"], the_scans(s))
    assert client.post(f"/stocktakes/{c['id']}/reconcile", headers=PROPOSER).status_code == 200
    return {**s, "campaign": c, "proposals": proposals(client, c["id"])}


def disposals_of(engine: Engine, asset_id: uuid.UUID) -> list[Disposal]:
    with Session(engine) as session:
        return list(session.exec(select(Disposal).where(Disposal.asset_id == asset_id)))


def test_only_the_disposal_right_holders_officer_or_director_approves_a_write_off(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    gone = r["proposals"][r["cards"]["gone"].number]
    # an officer of the card's own unit does not hold the disposal right
    outsider = decide(client, gone, "approve", UNIT_OFFICER)
    assert (outsider.status_code, outsider.json()["code"]) == (403, "NOT_RIGHT_HOLDER")
    assert card(engine, gone["tag"]).status == AssetStatus.IN_USE
    assert disposals_of(engine, r["cards"]["gone"].id) == []
    approved = decide(client, gone, "approve", DIRECTOR)
    assert approved.status_code == 200, approved.text
    [disposal] = disposals_of(engine, r["cards"]["gone"].id)
    assert (disposal.kind, disposal.status) == ("write_off", "approved")
    assert (disposal.requested_by, disposal.decided_by) == ("officer-one", "director-one")
    assert (disposal.holder_unit_id, disposal.unit_id) == (BUREAU, UNIT)
    gone_card = card(engine, gone["tag"])
    assert (gone_card.status, gone_card.disposed_on) == (
        AssetStatus.DISPOSED,
        disposal.disposal_date,
    )
    [step] = events(engine, gone_card.id)
    assert (step.kind, step.details["disposal_id"]) == ("disposed", str(disposal.id))
    # it shows among the disposals, as the holder's record of it
    listed = client.get("/disposals", params={"kind": "write_off"}, headers=AUDITOR).json()
    assert [d["id"] for d in listed["items"]] == [str(disposal.id)]
    entries = client.get("/audit", params={"limit": 200}, headers=AUDITOR).json()["items"]
    assert "disposal.written_off" in {e["action"] for e in entries}


def test_nobody_approves_a_write_off_when_nobody_holds_the_disposal_right(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine, granted=False)
    gone = r["proposals"][r["cards"]["gone"].number]
    refused = decide(client, gone, "approve", DIRECTOR)
    assert (refused.status_code, refused.json()["code"]) == (409, "NO_DISPOSAL_RIGHT")
    assert proposals(client, r["campaign"]["id"])[gone["tag"]]["status"] == "pending"


def test_a_card_awaiting_a_disposal_is_not_written_off(client: TestClient, engine: Engine) -> None:
    r = reconciled(client, engine)
    gone = r["proposals"][r["cards"]["gone"].number]
    request = {
        "asset_id": str(r["cards"]["gone"].id),
        "kind": "scrapping",
        "reason": "Broken",
        "disposal_date": "2026-11-20",
    }
    made = client.post("/disposals", json=request, headers=UNIT_OFFICER)
    assert made.status_code == 201, made.text
    refused = decide(client, gone, "approve", DIRECTOR)
    assert (refused.status_code, refused.json()["code"]) == (409, "ASSET_NOT_IN_SERVICE")
    # rejecting the open disposal gives the card back: it was never written off
    rejected = client.post(
        f"/disposals/{made.json()['id']}/reject", json={"reason": "still used"}, headers=SECOND
    )
    assert rejected.status_code == 200, rejected.text
    assert card(engine, gone["tag"]).status == AssetStatus.IN_USE
    assert proposals(client, r["campaign"]["id"])[gone["tag"]]["status"] == "pending"


def test_a_write_off_is_not_requested_as_a_disposal(client: TestClient, engine: Engine) -> None:
    r = reconciled(client, engine)
    request = {
        "asset_id": str(r["cards"]["gone"].id),
        "kind": "write_off",
        "reason": "Lost",
        "disposal_date": "2026-11-20",
        "counterparty": "nobody",
    }
    refused = client.post("/disposals", json=request, headers=UNIT_OFFICER)
    assert (refused.status_code, refused.json()["code"]) == (422, "WRITE_OFF_BY_STOCKTAKE")


def test_an_item_scanned_since_its_write_off_was_proposed_is_not_written_off(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    c, cards = r["campaign"], r["cards"]
    gone = r["proposals"][cards["gone"].number]
    post(client, c["id"], [scan(cards["gone"].number, r["rooms"][2], seconds_ago=1)])
    stale = decide(client, gone, "approve", DIRECTOR)
    assert (stale.status_code, stale.json()["code"]) == (409, "PROPOSAL_STALE")
    assert card(engine, gone["tag"]).status == AssetStatus.IN_USE
    receipt = client.post(f"/stocktakes/{c['id']}/reconcile", headers=PROPOSER).json()
    assert receipt["withdrawn"] == 1
    assert cards["gone"].number not in proposals(client, c["id"])


def test_an_item_scanned_after_its_write_off_shows_found_beside_it_in_the_report(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    c, cards = r["campaign"], r["cards"]
    gone = r["proposals"][cards["gone"].number]
    assert decide(client, gone, "approve", DIRECTOR).status_code == 200
    post(client, c["id"], [scan(cards["gone"].number, r["rooms"][2], seconds_ago=1)])
    answer = client.get(f"/stocktakes/{c['id']}/report.xlsx", headers=AUDITOR)
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    by_tag = {row[1]: row for row in sheet.iter_rows(values_only=True)}
    row = by_tag[cards["gone"].number]
    assert (row[0], row[8], row[9]) == ("found", "write_off", "approved")
    assert card(engine, gone["tag"]).status == AssetStatus.DISPOSED  # the card stays disposed
    # reconciling again keeps the decided write-off and proposes nothing for the item
    again = client.post(f"/stocktakes/{c['id']}/reconcile", headers=PROPOSER).json()
    assert again["created"] == 0


def test_a_card_awaiting_a_disposal_is_not_relocated(client: TestClient, engine: Engine) -> None:
    r = reconciled(client, engine)
    away = r["proposals"][r["cards"]["away"].number]
    request = {
        "asset_id": str(r["cards"]["away"].id),
        "kind": "scrapping",
        "reason": "Broken",
        "disposal_date": "2026-11-20",
    }
    assert client.post("/disposals", json=request, headers=UNIT_OFFICER).status_code == 201
    refused = decide(client, away, "apply", PROPOSER)
    assert (refused.status_code, refused.json()["code"]) == (409, "ASSET_NOT_IN_SERVICE")
    assert card(engine, away["tag"]).room_id == r["rooms"][1]


def _close_room(engine: Engine, room_id: uuid.UUID) -> None:
    with Session(engine) as session:
        session.execute(update(Room).where(Room.id == room_id).values(active=False))  # type: ignore[arg-type]
        session.commit()


def test_nothing_is_moved_or_registered_into_a_room_out_of_use(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    away, surplus = r["proposals"][r["cards"]["away"].number], r["proposals"]["NOCARD-001"]
    _close_room(engine, r["rooms"][0])  # where the printer was found
    _close_room(engine, r["rooms"][1])  # where the surplus chair was last scanned
    moved = decide(client, away, "apply", PROPOSER)
    assert (moved.status_code, moved.json()["code"]) == (422, "UNKNOWN_ROOM")
    made = decide(client, surplus, "apply", PROPOSER, SURPLUS_CARD)
    assert (made.status_code, made.json()["code"]) == (422, "UNKNOWN_ROOM")
    assert card(engine, away["tag"]).room_id == r["rooms"][1]


def test_a_surplus_card_is_acquired_once_audited_once(client: TestClient, engine: Engine) -> None:
    r = reconciled(client, engine)
    made = decide(client, r["proposals"]["NOCARD-001"], "apply", PROPOSER, SURPLUS_CARD)
    assert made.status_code == 200, made.text
    new = card(engine, "NOCARD-001")
    [step] = events(engine, new.id)
    assert (step.kind, step.reason) == ("acquired", "2026 annual stocktake: surplus (盘盈)")
    entries = client.get("/audit", params={"limit": 200}, headers=AUDITOR).json()["items"]
    about = [e["action"] for e in entries if e["resource_id"] == str(new.id)]
    assert about == ["asset.acquired"]
