"""A transfer recorded after scoring moves the person's result to the unit they ended in."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.personnel.appraisal_support import advance, liaison, make_cycle, make_scheme, score
from tests.personnel.conftest import HR, make_unit
from tests.personnel.staffing import hire


def test_result_follows_a_transfer_posted_after_scoring(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hru = make_unit(client, "HRU")
    mover = hire(client, 1, fin["id"], effective_from="2020-01-01")
    stayer = hire(client, 2, hru["id"], effective_from="2020-01-01")
    cycle = make_cycle(
        client,
        make_scheme(client)["id"],
        [fin["id"], hru["id"]],
        kind="quarterly",
        start="2026-01-01",
        end="2026-03-31",
    )
    assert score(client, cycle["id"], mover["id"], "80").status_code == 200
    assert score(client, cycle["id"], stayer["id"], "85").status_code == 200
    moved = client.post(
        f"/staff/{mover['id']}/postings",
        headers=HR,
        json={"effective_from": "2026-02-15", "unit_id": hru["id"], "reason": "transferred"},
    )
    assert moved.status_code == 201
    advance(client, cycle["id"], "submit", "review", "finalize")
    results = client.get(f"/appraisal-cycles/{cycle['id']}/results", headers=HR).json()["items"]
    by_staff = {r["staff_id"]: r for r in results}
    assert by_staff[mover["id"]]["unit_id"] == hru["id"]
    assert sorted(r["rank_in_unit"] for r in results) == [1, 2], "ranked together in HRU"
    seen = client.get(f"/appraisal-cycles/{cycle['id']}/results", headers=liaison(hru)).json()
    assert {r["staff_id"] for r in seen["items"]} == {mover["id"], stayer["id"]}


def test_two_cycles_of_one_kind_cannot_cover_the_same_unit_and_days(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hru = make_unit(client, "HRU")
    scheme = make_scheme(client)["id"]
    first = make_cycle(
        client, scheme, [fin["id"]], kind="quarterly", start="2026-01-01", end="2026-03-31"
    )
    body = {
        "name": "again",
        "kind": "quarterly",
        "period_start": "2026-03-01",
        "period_end": "2026-05-31",
        "unit_ids": [fin["id"], hru["id"]],
        "scheme_id": scheme,
    }
    clash = client.post("/appraisal-cycles", json=body, headers=HR)
    assert clash.status_code == 409
    assert clash.json()["code"] == "CYCLE_OVERLAPS"
    assert clash.json()["cycle_ids"] == [first["id"]]
    other_unit = client.post(
        "/appraisal-cycles", json={**body, "unit_ids": [hru["id"]]}, headers=HR
    )
    assert other_unit.status_code == 201
    widened = client.patch(
        f"/appraisal-cycles/{other_unit.json()['id']}",
        json={"unit_ids": [hru["id"], fin["id"]]},
        headers=HR,
    )
    assert widened.status_code == 409
    annual = client.post(
        "/appraisal-cycles",
        headers=HR,
        json={**body, "kind": "annual", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    assert annual.status_code == 201, "an annual cycle may span the quarters"


def test_a_scheme_cannot_change_under_a_submitted_cycle(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    person = hire(client, 1, fin["id"], effective_from="2020-01-01")
    scheme = make_scheme(client)
    cycle = make_cycle(
        client, scheme["id"], [fin["id"]], kind="quarterly", start="2026-01-01", end="2026-03-31"
    )
    score(client, cycle["id"], person["id"], "80")
    advance(client, cycle["id"], "submit")
    change = {"thresholds": {"excellent": "70", "competent": "60", "basically_competent": "50"}}
    refused = client.patch(f"/appraisal-schemes/{scheme['id']}", json=change, headers=HR)
    assert refused.status_code == 409
    assert refused.json()["code"] == "SCHEME_IN_REVIEW"
    advance(client, cycle["id"], "reopen")
    allowed = client.patch(f"/appraisal-schemes/{scheme['id']}", json=change, headers=HR)
    assert allowed.status_code == 200
