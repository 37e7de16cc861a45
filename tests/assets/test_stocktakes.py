"""Stocktake campaigns, scans and results: scopes, the frozen expected list, every outcome,
batches posted twice, refused scans, the liaison's scope and the roles."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.assets.factories import insert_asset
from tests.assets.stocktakes_support import (
    AUDITOR,
    LIAISON,
    OTHER_LIAISON,
    OTHER_UNIT,
    PROPOSER,
    UNIT,
    campaign,
    post,
    results,
    scan,
    scene,
    the_scans,
)
from tests.support.tokens import bearer


def test_starting_freezes_the_cards_in_scope_that_are_not_disposed(
    client: TestClient, engine: Engine
) -> None:
    s = scene(client, engine)
    planned = campaign(client, start=False)
    assert planned["status"] == "planned"
    assert planned["expected_count"] == 0
    started = client.post(f"/stocktakes/{planned['id']}/start", headers=PROPOSER)
    assert started.status_code == 200
    assert started.json()["status"] == "open"
    assert started.json()["expected_count"] == 4  # home, away, gone, nowhere
    # a card made after the start is not expected: the list is frozen
    late = insert_asset(engine, unit_id=UNIT, room_id=s["rooms"][0])
    got = results(client, planned["id"])
    assert set(got) == {s["cards"][k].number for k in ("home", "away", "gone", "nowhere")}
    assert late.number not in got
    again = client.post(f"/stocktakes/{planned['id']}/start", headers=PROPOSER)
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_STARTED")


def test_a_compound_campaign_expects_the_cards_in_its_rooms_and_all_expects_every_card(
    client: TestClient, engine: Engine
) -> None:
    s = scene(client, engine)
    compound_id = s["layout"]["compound"]["id"]
    by_compound = campaign(client, scope="compound", unit_id=None, compound_id=compound_id)
    # every card with a room in the compound, of any unit, not disposed (no-room card: not)
    assert by_compound["expected_count"] == 4
    assert by_compound["unit_id"] is None
    everything = campaign(client, scope="all", unit_id=None)
    assert everything["expected_count"] == 5


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"unit_id": None}, "SCOPE_MISMATCH"),
        ({"compound_id": str(uuid.uuid4())}, "SCOPE_MISMATCH"),
        ({"scope": "all"}, "SCOPE_MISMATCH"),
        ({"scope": "compound", "unit_id": None}, "SCOPE_MISMATCH"),
        (
            {"scope": "compound", "unit_id": None, "compound_id": str(uuid.uuid4())},
            "UNKNOWN_COMPOUND",
        ),
        ({"planned_end": "2026-10-01"}, "DATES_OUT_OF_ORDER"),
        ({"scope": "building"}, "VALIDATION_FAILED"),
        ({"name": " "}, "VALIDATION_FAILED"),
    ],
)
def test_bad_campaigns_are_refused_and_nothing_is_made(
    client: TestClient, change: dict[str, Any], code: str
) -> None:
    data = {
        "name": "Stocktake",
        "scope": "unit",
        "unit_id": str(UNIT),
        "planned_start": "2026-11-01",
        "planned_end": "2026-12-31",
        **change,
    }
    refused = client.post("/stocktakes", json=data, headers=PROPOSER)
    assert refused.status_code == 422
    assert refused.json()["code"] == code
    assert client.get("/stocktakes", headers=AUDITOR).json()["total"] == 0


def test_every_outcome(client: TestClient, engine: Engine) -> None:
    s = scene(client, engine)
    c = campaign(client)
    receipt = post(client, c["id"], the_scans(s))
    assert receipt.status_code == 200
    assert receipt.json() == {"received": 7, "new": 7, "repeated": 0}
    cards, rooms = s["cards"], s["rooms"]
    got = results(client, c["id"])
    home = got[cards["home"].number]
    assert home["outcome"] == "found"  # once at home is enough, a scan elsewhere aside
    assert home["found_room_id"] == str(rooms[0])
    assert home["scans"] == 2
    away = got[cards["away"].number]
    assert away["outcome"] == "misplaced"
    assert (away["expected_room_id"], away["found_room_id"]) == (str(rooms[1]), str(rooms[0]))
    assert got[cards["nowhere"].number]["outcome"] == "misplaced"
    gone = got[cards["gone"].number]
    assert (gone["outcome"], gone["found_room_id"], gone["scans"]) == ("missing", None, 0)
    foreign = got[cards["foreign"].number]  # a card, but not this campaign's: surplus
    assert (foreign["outcome"], foreign["asset_id"]) == ("surplus", None)
    unknown = got["NOCARD-001"]
    assert unknown["outcome"] == "surplus"
    assert unknown["found_room_id"] == str(rooms[1])  # its latest scan's room
    assert unknown["scans"] == 2
    assert cards["disposed"].number not in got
    summary = client.get(f"/stocktakes/{c['id']}/summary", headers=AUDITOR).json()
    assert summary == {
        "campaign_id": c["id"],
        "status": "open",
        "expected": 4,
        "scans": 7,
        "found": 1,
        "misplaced": 2,
        "missing": 1,
        "surplus": 2,
    }
    for outcome, tags in (
        ("found", {cards["home"].number}),
        ("missing", {cards["gone"].number}),
        ("misplaced", {cards["away"].number, cards["nowhere"].number}),
        ("surplus", {cards["foreign"].number, "NOCARD-001"}),
    ):
        page = client.get(
            f"/stocktakes/{c['id']}/results", params={"outcome": outcome}, headers=AUDITOR
        ).json()
        assert {r["tag"] for r in page["items"]} == tags
        assert page["total"] == len(tags)
    first = client.get(f"/stocktakes/{c['id']}/results", params={"limit": 2}, headers=AUDITOR)
    assert first.json()["total"] == 6
    assert [r["tag"] for r in first.json()["items"]] == sorted(got)[:2]


def test_a_batch_posted_twice_changes_nothing(client: TestClient, engine: Engine) -> None:
    s = scene(client, engine)
    c = campaign(client)
    batch = the_scans(s)
    post(client, c["id"], batch)
    before = results(client, c["id"])
    again = post(client, c["id"], batch)
    assert again.status_code == 200
    assert again.json() == {"received": 7, "new": 0, "repeated": 7}
    assert results(client, c["id"]) == before
    summary = client.get(f"/stocktakes/{c['id']}/summary", headers=AUDITOR).json()
    assert summary["scans"] == 7
    # a batch repeating some scan ids and bringing new ones keeps only the new ones
    fresh = scan(s["cards"]["gone"].number, s["rooms"][2])
    mixed = post(client, c["id"], [*batch[:3], fresh, fresh])
    assert mixed.json() == {"received": 5, "new": 1, "repeated": 4}
    assert results(client, c["id"])[s["cards"]["gone"].number]["outcome"] == "found"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"room_id": str(uuid.uuid4())}, 422, "UNKNOWN_ROOM"),
        ({"seconds_ago": -3600}, 422, "FUTURE_SCAN"),
        ({"seconds_ago": 3600}, 422, "SCAN_BEFORE_START"),  # an hour before the start
        ({"scanned_at": "0001-01-01T00:00:00+05:00"}, 422, "SCAN_BEFORE_START"),  # no overflow
        ({"tag": "a2026-1"}, 422, "VALIDATION_FAILED"),  # not a card number: lower case
        ({"tag": "A2026/1"}, 422, "VALIDATION_FAILED"),
        ({"tag": "-A2026"}, 422, "VALIDATION_FAILED"),
        ({"tag": "has space"}, 422, "VALIDATION_FAILED"),
        ({"tag": "X" * 31}, 422, "VALIDATION_FAILED"),
        ({"scan_id": "not-a-uuid"}, 422, "VALIDATION_FAILED"),
        ({"scanned_at": "2026-11-02T10:00:00"}, 422, "VALIDATION_FAILED"),  # no time zone
    ],
)
def test_a_bad_scan_refuses_its_whole_batch(
    client: TestClient, engine: Engine, change: dict[str, Any], status: int, code: str
) -> None:
    s = scene(client, engine)
    c = campaign(client)
    change = dict(change)  # the parameters are shared by both backends
    seconds = change.pop("seconds_ago", 10)
    good = scan(s["cards"]["home"].number, s["rooms"][0])
    bad = {**scan(s["cards"]["away"].number, s["rooms"][0], seconds_ago=seconds), **change}
    refused = post(client, c["id"], [good, bad])
    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert client.get(f"/stocktakes/{c['id']}/summary", headers=AUDITOR).json()["scans"] == 0


def test_batches_hold_one_to_five_hundred_scans(client: TestClient, engine: Engine) -> None:
    s = scene(client, engine)
    c = campaign(client)
    assert post(client, c["id"], []).status_code == 422
    many = [scan(f"BULK-{i:04d}", s["rooms"][i % 3]) for i in range(501)]
    assert post(client, c["id"], many).status_code == 422
    assert post(client, c["id"], many[:500]).json()["new"] == 500


def test_scans_wait_for_the_start(client: TestClient, engine: Engine) -> None:
    s = scene(client, engine)
    planned = campaign(client, start=False)
    refused = post(client, planned["id"], [scan("A", s["rooms"][0])])
    assert (refused.status_code, refused.json()["code"]) == (409, "CAMPAIGN_NOT_STARTED")
    missing = post(client, str(uuid.uuid4()), [scan("A", s["rooms"][0])])
    assert (missing.status_code, missing.json()["code"]) == (404, "STOCKTAKE_NOT_FOUND")


def test_a_liaison_scans_and_reads_its_own_units_campaigns_only(
    client: TestClient, engine: Engine
) -> None:
    s = scene(client, engine)
    own = campaign(client)
    other = campaign(client, unit_id=str(OTHER_UNIT))
    bureau = campaign(client, scope="all", unit_id=None)
    tag, room = s["cards"]["home"].number, s["rooms"][0]
    assert post(client, own["id"], [scan(tag, room)], LIAISON).json()["new"] == 1
    for refused in (
        post(client, other["id"], [scan(tag, room)], LIAISON),
        post(client, bureau["id"], [scan(tag, room)], LIAISON),
        post(client, own["id"], [scan(tag, room)], OTHER_LIAISON),
        client.get(f"/stocktakes/{other['id']}", headers=LIAISON),
        client.get(f"/stocktakes/{other['id']}/results", headers=LIAISON),
        client.get(f"/stocktakes/{other['id']}/summary", headers=LIAISON),
        client.get(f"/stocktakes/{other['id']}/report.xlsx", headers=LIAISON),
        client.get(f"/stocktakes/{other['id']}/proposals", headers=LIAISON),
        client.get("/stocktakes", params={"unit_id": str(OTHER_UNIT)}, headers=LIAISON),
    ):
        assert (refused.status_code, refused.json()["code"]) == (403, "OUTSIDE_OWN_UNIT")
    listed = client.get("/stocktakes", headers=LIAISON).json()
    assert [c["id"] for c in listed["items"]] == [own["id"]]
    assert client.get("/stocktakes", headers=AUDITOR).json()["total"] == 3
    assert client.get(f"/stocktakes/{own['id']}/results", headers=LIAISON).status_code == 200
    # the liaison takes part; the officer runs the campaign
    assert client.post(f"/stocktakes/{own['id']}/reconcile", headers=LIAISON).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "roles"),
    [
        ("POST", "/stocktakes", ("director", "unit_liaison", "auditor", "staff")),
        ("GET", "/stocktakes", ("staff", "finance_officer", "service")),
        ("POST", "/stocktakes/{id}/start", ("director", "unit_liaison", "auditor")),
        ("POST", "/stocktakes/{id}/scans", ("director", "auditor", "staff")),
        ("POST", "/stocktakes/{id}/reconcile", ("director", "unit_liaison", "auditor")),
        ("POST", "/stocktakes/{id}/close", ("director", "unit_liaison", "auditor")),
        ("GET", "/stocktakes/{id}/report.xlsx", ("staff", "facilities_officer")),
        ("POST", "/stocktakes/{id}/proposals/{id}/approve", ("auditor", "unit_liaison")),
    ],
)
def test_roles_are_refused_and_anonymous_callers_too(
    client: TestClient, method: str, path: str, roles: tuple[str, ...]
) -> None:
    c = campaign(client, start=False)
    url = path.replace("{id}", c["id"])
    body = {"scans": []} if url.endswith("scans") else {}
    for role in roles:
        answer = client.request(method, url, json=body, headers=bearer(role, unit_id=str(UNIT)))
        assert answer.status_code == 403, (role, answer.text)
    assert client.request(method, url, json=body).status_code == 401
    assert client.get(f"/stocktakes/{c['id']}", headers=AUDITOR).json()["status"] == "planned"


def test_a_campaign_is_renamed_and_rescheduled_with_if_match(client: TestClient) -> None:
    c = campaign(client, start=False)
    url = f"/stocktakes/{c['id']}"
    stale = client.patch(url, json={"name": "Q4"}, headers={**PROPOSER, "If-Match": '"9"'})
    assert stale.status_code == 412
    moved = client.patch(
        url,
        json={"name": "Q4 stocktake", "planned_end": "2027-01-15"},
        headers={**PROPOSER, "If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["name"], moved.json()["planned_end"]) == ("Q4 stocktake", "2027-01-15")
    assert moved.headers["etag"] == '"2"'
    backwards = client.patch(url, json={"planned_end": "2026-01-01"}, headers=PROPOSER)
    assert backwards.json()["code"] == "DATES_OUT_OF_ORDER"
    assert client.get(url, headers=AUDITOR).json()["planned_end"] == "2027-01-15"
