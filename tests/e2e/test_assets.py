"""The assets service in the real suite: a unit liaison reads its own unit's cards (and the
transfers that name it), a member of staff the cards they keep; a month's depreciation and a
sale's proceeds reach finance's books over HTTP, once."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import httpx
import pytest

from shared.types import today
from tests.e2e.conftest import Suite, bearer_of, create_user
from tests.personnel.staffing import national_id

pytestmark = pytest.mark.e2e


def _ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _units(suite: Suite) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Two budget units in personnel, and a member of staff of the first."""
    api = f"{suite.gateway}/api/personnel"
    create_user(suite, "assets.hr", "hr_officer")
    hr = bearer_of(suite, "assets.hr")
    bodies = _ok(httpx.get(f"{api}/bodies", headers=hr), 200)["items"]
    gov = next(b["id"] for b in bodies if b["code"] == "GOV")
    fin, edu = (
        _ok(
            httpx.post(
                f"{api}/units",
                headers=hr,
                json={"code": code, "name": code.title(), "name_zh": zh, "body_id": gov},
            )
        )
        for code, zh in (("ASF", "资产甲局"), ("ASE", "资产乙局"))
    )
    member = _ok(
        httpx.post(
            f"{api}/staff",
            headers=hr,
            json={
                "staff_no": "AS7",
                "name": "职员七",
                "national_id": national_id(17),
                "unit_id": fin["id"],
                "rank_code": "clerk",
                "effective_from": "2025-01-01",
            },
        )
    )
    return fin, edu, member


def test_liaison_and_staff_reach_only_their_cards_through_the_gateway(suite: Suite) -> None:
    fin, edu, member = _units(suite)
    api = f"{suite.gateway}/api/assets"
    create_user(suite, "assets.officer", "asset_officer")
    officer = bearer_of(suite, "assets.officer")

    def card(number: str, unit: dict[str, Any], **fields: Any) -> Any:
        body = {
            "number": number,
            "category_code": "2010100",
            "name": "Desktop computer",
            "unit_id": unit["id"],
            "acquired_on": "2025-05-01",
            "original_value": "5000.00",
            "fund_source": "fiscal",
            **fields,
        }
        return _ok(httpx.post(f"{api}/assets", headers=officer, json=body))

    kept = card("F0001", fin, custodian_id=member["id"])
    card("F0002", fin)
    theirs = card("E0001", edu)
    moved = card("F0003", fin)
    _ok(
        httpx.post(
            f"{api}/assets/{moved['id']}/transfers",
            headers=officer,
            json={"to_unit_id": edu["id"], "reason": "reorganisation"},
        ),
        200,
    )

    create_user(suite, "assets.liaison", "unit_liaison", unit_id=fin["id"])
    liaison = bearer_of(suite, "assets.liaison")
    listing = _ok(httpx.get(f"{api}/assets", headers=liaison), 200)
    assert [a["number"] for a in listing["items"]] == ["F0001", "F0002"]
    other = httpx.get(f"{api}/assets", params={"unit_id": edu["id"]}, headers=liaison)
    assert (other.status_code, other.json()["code"]) == (403, "OUTSIDE_OWN_UNIT")
    assert httpx.get(f"{api}/assets/{theirs['id']}", headers=liaison).status_code == 403
    transfers = _ok(
        httpx.get(f"{api}/asset-events", params={"kind": "transferred"}, headers=liaison), 200
    )
    assert [e["asset_id"] for e in transfers["items"]] == [moved["id"]]
    assert httpx.get(f"{api}/assets/bulk", headers=liaison).status_code == 403
    refused = httpx.post(f"{api}/assets", headers=liaison, json={})
    assert refused.status_code == 403  # the gateway's policy: writes are the officer's

    create_user(suite, "assets.keeper", "staff", unit_id=fin["id"], staff_id=member["id"])
    mine = _ok(httpx.get(f"{api}/assets", headers=bearer_of(suite, "assets.keeper")), 200)
    assert [a["id"] for a in mine["items"]] == [kept["id"]]


def _until(check: Any, seconds: float = 20.0) -> Any:
    """``check()``'s first truthy answer, polled until ``seconds`` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.25)


def test_depreciation_and_sale_proceeds_reach_finance_once(suite: Suite) -> None:
    hr_api, api, books = (f"{suite.gateway}/api/{s}" for s in ("personnel", "assets", "finance"))
    create_user(suite, "ledger.hr", "hr_officer")
    hr = bearer_of(suite, "ledger.hr")
    gov = next(
        b["id"]
        for b in _ok(httpx.get(f"{hr_api}/bodies", headers=hr), 200)["items"]
        if b["code"] == "GOV"
    )
    unit = _ok(
        httpx.post(
            f"{hr_api}/units",
            headers=hr,
            json={"code": "ASL", "name": "Ledger", "name_zh": "资产丙局", "body_id": gov},
        )
    )["id"]
    create_user(suite, "ledger.fo", "finance_officer")
    finance = bearer_of(suite, "ledger.fo")
    _ok(
        httpx.post(
            f"{books}/budget-units",
            headers=finance,
            json={
                "id": unit,
                "code": "ASL",
                "name": "Ledger",
                "zba_account": "ZBA-ASL-0001",
                "zba_bank": "Agent Bank",
            },
        )
    )
    create_user(suite, "ledger.ao", "asset_officer")
    create_user(suite, "ledger.ao2", "asset_officer", unit_id=unit)
    officer, deciding = bearer_of(suite, "ledger.ao"), bearer_of(suite, "ledger.ao2")
    # a computer (six years: 7,200.00 / 72 = 100.00 a month), in the unit's own room
    compound = _ok(
        httpx.post(
            f"{api}/compounds",
            headers=officer,
            json={
                "code": "LG",
                "name": "Ledger compound",
                "name_zh": "账务大院",
                "address": "2 Road",
                "land_area_m2": "1000.00",
            },
        )
    )
    block = _ok(
        httpx.post(
            f"{api}/buildings",
            headers=officer,
            json={
                "code": "LG-01",
                "compound_id": compound["id"],
                "name": "Block",
                "kind": "office",
                "gross_floor_area_m2": "900.00",
            },
        )
    )
    level = _ok(
        httpx.post(f"{api}/floors", headers=officer, json={"building_id": block["id"], "level": 1})
    )
    room = _ok(
        httpx.post(
            f"{api}/rooms",
            headers=officer,
            json={
                "code": "LG-01-101",
                "building_id": block["id"],
                "floor_id": level["id"],
                "number": "101",
                "use": "office",
                "area_m2": "20.00",
                "unit_id": unit,
            },
        )
    )
    first_of_month = today().replace(day=1)
    last_month = first_of_month - timedelta(days=1)
    card = _ok(
        httpx.post(
            f"{api}/assets",
            headers=officer,
            json={
                "number": "LG0001",
                "category_code": "2010100",
                "name": "Desktop computer",
                "unit_id": unit,
                "room_id": room["id"],
                "acquired_on": (last_month.replace(day=1) - timedelta(days=1)).isoformat(),
                "original_value": "7200.00",
                "fund_source": "fiscal",
            },
        )
    )
    period = {"period": f"{last_month.year}-{last_month.month:02d}"}
    run = _ok(httpx.post(f"{api}/depreciation/runs", headers=officer, json=period))
    detail = _ok(httpx.get(f"{api}/depreciation/runs/{run['id']}", headers=officer), 200)
    assert [u["amount"] for u in detail["unit_totals"] if u["unit_id"] == unit] == ["100.00"]
    again = httpx.post(f"{api}/depreciation/runs", headers=officer, json=period)
    assert again.status_code == 200 and again.json()["id"] == run["id"]

    def entries(source: str) -> list[dict[str, Any]]:
        params = {"unit_id": unit, "source": source}
        listed = httpx.get(f"{books}/journal-entries", headers=finance, params=params)
        items: list[dict[str, Any]] = _ok(listed, 200)["items"]
        return items

    posted = _until(lambda: entries("depreciation"))
    assert len(posted) == 1 and posted[0]["total"] == "100.00"

    # the bureau-wide disposal right over the building is the unit's own here
    _ok(
        httpx.post(
            f"{api}/rights",
            headers=officer,
            json={
                "subject_kind": "building",
                "subject_id": block["id"],
                "right": "disposal",
                "holder_name": "Ledger",
                "holder_unit_id": unit,
                "valid_from": "2020-01-01",
            },
        )
    )
    sale = _ok(
        httpx.post(
            f"{api}/disposals",
            headers=officer,
            json={
                "asset_id": card["id"],
                "kind": "sale",
                "reason": "replaced",
                "disposal_date": today().isoformat(),
                "proceeds": "800.00",
                "counterparty": "回收公司",
            },
        )
    )
    refused = httpx.post(f"{api}/disposals/{sale['id']}/approve", headers=officer)
    assert refused.status_code == 403  # not an officer of the right's holder
    _ok(httpx.post(f"{api}/disposals/{sale['id']}/approve", headers=deciding), 200)

    def receipts() -> list[dict[str, Any]]:
        listed = httpx.get(f"{books}/revenue-receipts", headers=finance, params={"unit_id": unit})
        items: list[dict[str, Any]] = _ok(listed, 200)["items"]
        return items

    received = _until(receipts)
    assert [(r["kind"], r["amount"]) for r in received] == [("disposal", "800.00")]
    time.sleep(1)  # whatever the relay might still send
    assert len(receipts()) == 1 and len(entries("depreciation")) == 1
