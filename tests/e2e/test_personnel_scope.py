"""Unit scope through the gateway: a unit liaison reads and scores its own unit only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Suite, bearer_of, create_user
from tests.personnel.appraisal_support import SCHEME, all_six
from tests.personnel.staffing import national_id

pytestmark = pytest.mark.e2e


def _ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_a_liaison_reads_and_scores_only_its_own_unit_through_the_gateway(suite: Suite) -> None:
    api = f"{suite.gateway}/api/personnel"
    create_user(suite, "hannah", "hr_officer")
    hr = bearer_of(suite, "hannah")
    gov = next(
        b["id"]
        for b in _ok(httpx.get(f"{api}/bodies", headers=hr), 200)["items"]
        if b["code"] == "GOV"
    )
    fin = _ok(
        httpx.post(
            f"{api}/units",
            headers=hr,
            json={"code": "FIN", "name": "Finance", "name_zh": "财政局", "body_id": gov},
        )
    )
    edu = _ok(
        httpx.post(
            f"{api}/units",
            headers=hr,
            json={"code": "EDU", "name": "Education", "name_zh": "教育局", "body_id": gov},
        )
    )
    ours, theirs = (
        _ok(
            httpx.post(
                f"{api}/staff",
                headers=hr,
                json={
                    "staff_no": f"E{n}",
                    "name": f"职员{n}",
                    "national_id": national_id(n),
                    "unit_id": unit["id"],
                    "rank_code": "clerk",
                    "effective_from": "2025-01-01",
                },
            )
        )
        for n, unit in ((1, fin), (2, edu))
    )
    scheme = _ok(httpx.post(f"{api}/appraisal-schemes", headers=hr, json=SCHEME))
    cycle = _ok(
        httpx.post(
            f"{api}/appraisal-cycles",
            headers=hr,
            json={
                "name": "2026 annual",
                "kind": "annual",
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "unit_ids": [fin["id"], edu["id"]],
                "scheme_id": scheme["id"],
            },
        )
    )

    create_user(suite, "lily", "unit_liaison", unit_id=fin["id"])
    liaison = bearer_of(suite, "lily")
    listing = _ok(httpx.get(f"{api}/staff", headers=liaison), 200)
    assert [s["id"] for s in listing["items"]] == [ours["id"]]
    assert listing["items"][0]["national_id"].startswith("****")
    assert httpx.get(f"{api}/staff/{theirs['id']}", headers=liaison).status_code == 404
    scores = f"{api}/appraisal-cycles/{cycle['id']}/scores"
    refused = httpx.put(f"{scores}/{theirs['id']}", headers=liaison, json=all_six("88"))
    assert refused.status_code == 403
    assert refused.json()["code"] == "OUTSIDE_OWN_UNIT"
    assert (
        httpx.put(f"{scores}/{ours['id']}", headers=liaison, json=all_six("88")).status_code == 200
    )
    seen = _ok(httpx.get(scores, headers=liaison), 200)
    assert {s["staff_id"] for s in seen["items"]} == {ours["id"]}
    assert httpx.post(f"{api}/units", headers=liaison, json={}).status_code == 403
    assert httpx.get(f"{api}/staff/bulk", headers=liaison).status_code == 403
