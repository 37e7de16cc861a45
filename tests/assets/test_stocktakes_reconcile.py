"""Stocktake reconciliation: proposals per outcome, their decisions and who may make them,
closing, the closed campaign refusing every change, the XLSX report, the audit entries."""

from __future__ import annotations

import io
import uuid
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from services.assets.register.models import Asset, AssetEvent, FundSource
from tests.assets.stocktakes_support import (
    AUDITOR,
    DIRECTOR,
    PROPOSER,
    SECOND,
    UNIT,
    campaign,
    grant,
    post,
    scan,
    scene,
    the_scans,
)

SURPLUS_CARD = {
    "category_code": "2010100",
    "name": "Office chair",
    "unit_id": str(UNIT),
    "value": "850.00",
}


def reconciled(client: TestClient, engine: Engine) -> dict[str, Any]:
    """The scene scanned and reconciled by the first officer; its proposals by tag."""
    s = scene(client, engine)
    grant(engine, s["layout"]["building"]["id"])
    c = campaign(client)
    post(client, c["id"], the_scans(s))
    receipt = client.post(f"/stocktakes/{c['id']}/reconcile", headers=PROPOSER)
    assert receipt.status_code == 200, receipt.text
    assert receipt.json() == {"created": 5, "kept": 0, "withdrawn": 0, "pending": 5}
    return {**s, "campaign": c, "proposals": proposals(client, c["id"])}


def proposals(client: TestClient, campaign_id: str, **params: Any) -> dict[str, Any]:
    page = client.get(
        f"/stocktakes/{campaign_id}/proposals", params={"limit": 200, **params}, headers=AUDITOR
    )
    assert page.status_code == 200, page.text
    return {p["tag"]: p for p in page.json()["items"]}


def decide(
    client: TestClient, p: dict[str, Any], verb: str, headers: Any = SECOND, body: Any = None
) -> Any:
    url = f"/stocktakes/{p['campaign_id']}/proposals/{p['id']}/{verb}"
    return client.post(url, json=body, headers=headers)


def card(engine: Engine, number: str) -> Asset:
    with Session(engine) as session:
        found = session.exec(select(Asset).where(Asset.number == number)).one()
        session.expunge(found)
        return found


def events(engine: Engine, asset_id: uuid.UUID) -> list[AssetEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AssetEvent).where(AssetEvent.asset_id == asset_id)))


def test_reconciling_proposes_one_adjustment_per_item_not_found(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    cards, rooms, got = r["cards"], r["rooms"], r["proposals"]
    away = got[cards["away"].number]
    assert (away["kind"], away["status"]) == ("relocate", "pending")
    assert (away["from_room_id"], away["to_room_id"]) == (str(rooms[1]), str(rooms[0]))
    assert away["asset_id"] == str(cards["away"].id)
    assert away["proposed_by"] == "officer-one"
    assert got[cards["nowhere"].number]["kind"] == "relocate"
    gone = got[cards["gone"].number]
    assert (gone["kind"], gone["to_room_id"]) == ("write_off", None)
    assert got["NOCARD-001"]["kind"] == "new_card"
    assert got["NOCARD-001"]["to_room_id"] == str(rooms[1])
    assert got[cards["foreign"].number]["kind"] == "new_card"
    assert cards["home"].number not in got
    only = proposals(client, r["campaign"]["id"], kind="write_off")
    assert list(only) == [cards["gone"].number]


def test_reconciling_again_keeps_what_holds_and_withdraws_what_the_scans_made_moot(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    c, cards, rooms = r["campaign"], r["cards"], r["rooms"]
    url = f"/stocktakes/{c['id']}/reconcile"
    assert client.post(url, headers=PROPOSER).json() == {
        "created": 0,
        "kept": 5,
        "withdrawn": 0,
        "pending": 5,
    }
    # the missing laptop turns up at home, the printer turns up in room 3
    post(client, c["id"], [scan(cards["gone"].number, rooms[2])])
    post(client, c["id"], [scan(cards["away"].number, rooms[2], seconds_ago=1)])
    assert client.post(url, headers=PROPOSER).json() == {
        "created": 1,
        "kept": 3,
        "withdrawn": 2,
        "pending": 4,
    }
    now = proposals(client, c["id"])
    assert cards["gone"].number not in now
    assert now[cards["away"].number]["to_room_id"] == str(rooms[2])


def test_applying_a_relocation_moves_the_card_and_records_the_step(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    away = r["proposals"][r["cards"]["away"].number]
    applied = decide(client, away, "apply", PROPOSER)
    assert applied.status_code == 200, applied.text
    assert (applied.json()["status"], applied.json()["decided_by"]) == ("applied", "officer-one")
    moved = card(engine, r["cards"]["away"].number)
    assert moved.room_id == r["rooms"][0]
    assert moved.version == 2
    steps = events(engine, moved.id)
    assert [(e.kind, e.details["after"]["room_id"]) for e in steps] == [
        ("moved", str(r["rooms"][0]))
    ]
    assert steps[0].reason == "2026 annual stocktake: found elsewhere"
    again = decide(client, away, "apply", PROPOSER)
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_DECIDED")
    assert len(events(engine, moved.id)) == 1


def test_a_write_off_is_approved_by_the_right_holders_officer_or_director_never_its_proposer(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    gone = r["proposals"][r["cards"]["gone"].number]
    own = decide(client, gone, "approve", PROPOSER)
    assert (own.status_code, own.json()["code"]) == (403, "SELF_APPROVAL")
    applied = decide(client, gone, "apply", PROPOSER)
    assert (applied.status_code, applied.json()["code"]) == (409, "NEEDS_APPROVAL")
    assert card(engine, gone["tag"]).status == "in_use"
    approved = decide(client, gone, "approve", SECOND)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "officer-two")
    written_off = card(engine, gone["tag"])
    assert written_off.status == "disposed"
    assert written_off.disposed_on is not None
    [step] = events(engine, written_off.id)
    assert (step.kind, step.by) == ("disposed", "officer-two")
    assert step.reason == "2026 annual stocktake: missing, written off (盘亏核销)"
    # a relocation is applied, not approved
    away = r["proposals"][r["cards"]["away"].number]
    assert decide(client, away, "approve", DIRECTOR).json()["code"] == "NOT_A_WRITE_OFF"


def test_a_director_approves_a_write_off(client: TestClient, engine: Engine) -> None:
    r = reconciled(client, engine)
    gone = r["proposals"][r["cards"]["gone"].number]
    assert decide(client, gone, "approve", DIRECTOR).json()["decided_by"] == "director-one"
    assert decide(client, gone, "approve", SECOND).json()["code"] == "ALREADY_DECIDED"


def test_a_surplus_item_gets_a_card_numbered_by_its_tag(client: TestClient, engine: Engine) -> None:
    r = reconciled(client, engine)
    surplus = r["proposals"]["NOCARD-001"]
    bare = decide(client, surplus, "apply", PROPOSER)
    assert (bare.status_code, bare.json()["code"]) == (422, "CARD_DETAILS_REQUIRED")
    wrong = decide(client, surplus, "apply", PROPOSER, {**SURPLUS_CARD, "category_code": "9999999"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "UNKNOWN_CATEGORY")
    made = decide(client, surplus, "apply", PROPOSER, SURPLUS_CARD)
    assert made.status_code == 200, made.text
    new = card(engine, "NOCARD-001")
    assert made.json()["new_asset_id"] == str(new.id)
    assert (new.fund_source, new.unit_id, new.room_id) == (
        FundSource.SURPLUS,
        UNIT,
        r["rooms"][1],
    )
    assert (new.name, str(new.value), str(new.original_value)) == (
        "Office chair",
        "850.00",
        "850.00",
    )
    assert [e.kind for e in events(engine, new.id)] == ["acquired"]
    # the other unit's card scanned here already has its number: reject that one instead
    foreign = r["proposals"][r["cards"]["foreign"].number]
    taken = decide(client, foreign, "apply", PROPOSER, SURPLUS_CARD)
    assert (taken.status_code, taken.json()["code"]) == (409, "NUMBER_TAKEN")
    relocate = r["proposals"][r["cards"]["away"].number]
    extra = decide(client, relocate, "apply", PROPOSER, SURPLUS_CARD)
    assert extra.json()["code"] == "UNEXPECTED_CARD"


def _decide_all(client: TestClient, r: dict[str, Any]) -> None:
    got, cards = r["proposals"], r["cards"]
    for key in ("away", "nowhere"):
        assert decide(client, got[cards[key].number], "apply", PROPOSER).status_code == 200
    assert decide(client, got[cards["gone"].number], "approve", SECOND).status_code == 200
    assert decide(client, got["NOCARD-001"], "apply", PROPOSER, SURPLUS_CARD).status_code == 200
    rejected = decide(
        client, got[cards["foreign"].number], "reject", DIRECTOR, {"reason": "another unit's sofa"}
    )
    assert rejected.json()["reason"] == "another unit's sofa"


def test_closing_waits_for_every_decision_then_the_campaign_is_immutable(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    c = r["campaign"]
    url = f"/stocktakes/{c['id']}"
    pending = client.post(f"{url}/close", headers=PROPOSER)
    assert (pending.status_code, pending.json()["code"]) == (409, "PROPOSALS_PENDING")
    _decide_all(client, r)
    post(client, c["id"], [scan("LATE-0001", r["rooms"][0])])  # a new surplus, not reconciled
    late = client.post(f"{url}/close", headers=PROPOSER)
    assert (late.status_code, late.json()["code"]) == (409, "UNRECONCILED")
    client.post(f"{url}/reconcile", headers=PROPOSER)
    [fresh] = [p for p in proposals(client, c["id"]).values() if p["status"] == "pending"]
    decide(client, fresh, "reject", SECOND, {"reason": "a visitor's laptop"})
    closed = client.post(f"{url}/close", headers=PROPOSER)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closed_by"]) == ("closed", "officer-one")
    before = (
        client.get(f"{url}/summary", headers=AUDITOR).json(),
        proposals(client, c["id"]),
        client.get(url, headers=AUDITOR).json(),
    )
    for refused in (
        post(client, c["id"], [scan("LATE-0002", r["rooms"][0])]),
        client.post(f"{url}/reconcile", headers=PROPOSER),
        client.post(f"{url}/close", headers=PROPOSER),
        client.post(f"{url}/start", headers=PROPOSER),
        client.patch(url, json={"name": "Renamed"}, headers=PROPOSER),
        decide(client, fresh, "reject", SECOND, {"reason": "again"}),
        decide(client, r["proposals"][r["cards"]["gone"].number], "approve", DIRECTOR),
    ):
        assert (refused.status_code, refused.json()["code"]) == (409, "CAMPAIGN_CLOSED")
    after = (
        client.get(f"{url}/summary", headers=AUDITOR).json(),
        proposals(client, c["id"]),
        client.get(url, headers=AUDITOR).json(),
    )
    assert after == before
    assert after[0]["status"] == "closed"


def test_the_report_exports_one_row_per_item_with_its_proposal(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    _decide_all(client, r)
    c, cards = r["campaign"], r["cards"]
    client.post(f"/stocktakes/{c['id']}/close", headers=PROPOSER)
    answer = client.get(f"/stocktakes/{c['id']}/report.xlsx", headers=AUDITOR)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["outcome", "tag", "asset name"]
    by_tag = {row[1]: row for row in rows}
    assert len(rows) == 6
    assert [row[0] for row in rows] == [
        "missing",
        "misplaced",
        "misplaced",
        "surplus",
        "surplus",
        "found",
    ]
    gone = by_tag[cards["gone"].number]
    assert gone[2:5] == ["Laptop", "C1-B01-0201", None]
    assert gone[8:11] == ["write_off", "approved", "officer-two"]
    away = by_tag[cards["away"].number]
    assert away[3:5] == ["C1-B01-0102", "C1-B01-0101"]
    assert away[8:10] == ["relocate", "applied"]
    foreign = by_tag[cards["foreign"].number]
    assert foreign[8:] == ["new_card", "rejected", "director-one", "another unit's sofa"]
    home = by_tag[cards["home"].number]
    assert (home[0], home[7], home[8]) == ("found", 2, None)


def test_start_close_and_decisions_are_audited(client: TestClient, engine: Engine) -> None:
    r = reconciled(client, engine)
    _decide_all(client, r)
    client.post(f"/stocktakes/{r['campaign']['id']}/close", headers=PROPOSER)
    entries = client.get("/audit", params={"limit": 200}, headers=AUDITOR).json()["items"]
    actions = [e["action"] for e in entries if e["action"].startswith("stocktake")]
    for action in (
        "stocktake.create",
        "stocktake.start",
        "stocktake.reconcile",
        "stocktake.proposal.apply",
        "stocktake.proposal.approve",
        "stocktake.proposal.reject",
        "stocktake.close",
    ):
        assert action in actions
    closing = next(e for e in entries if e["action"] == "stocktake.close")
    assert closing["after"]["missing"] == 1
    assert closing["actor"] == "officer-one"
    assert client.get("/audit/verify", headers=AUDITOR).json()["ok"] is True


def test_a_proposal_is_decided_only_through_its_own_campaign_and_a_rejection_says_why(
    client: TestClient, engine: Engine
) -> None:
    r = reconciled(client, engine)
    other = campaign(client, name="Another")
    away = r["proposals"][r["cards"]["away"].number]
    stray = decide(client, {**away, "campaign_id": other["id"]}, "apply", PROPOSER)
    assert (stray.status_code, stray.json()["code"]) == (404, "PROPOSAL_NOT_FOUND")
    unknown = decide(client, {**away, "id": str(uuid.uuid4())}, "reject", DIRECTOR, {"reason": "x"})
    assert unknown.status_code == 404
    silent = decide(client, away, "reject", DIRECTOR, {"reason": "  "})
    assert silent.status_code == 422
    assert proposals(client, r["campaign"]["id"])[away["tag"]]["status"] == "pending"
    # the other campaign has no scans: each of its four cards is missing, a write-off each
    nothing_seen = client.post(f"/stocktakes/{other['id']}/reconcile", headers=PROPOSER)
    assert nothing_seen.json() == {"created": 4, "kept": 0, "withdrawn": 0, "pending": 4}
    kinds = {p["kind"] for p in proposals(client, other["id"]).values()}
    assert kinds == {"write_off"}
