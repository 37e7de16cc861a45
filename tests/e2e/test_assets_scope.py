"""The asset register through the real gateway: a unit liaison reads its own unit's cards
(and the transfers that name it), a member of staff the cards they keep."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

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
