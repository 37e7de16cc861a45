"""Appraisal after finalization: revisions keeping history, the annual roll-up, grades for peers."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.testclient import TestClient

from tests.personnel.appraisal_support import (
    add_staff,
    advance,
    all_six,
    finalized_cycle,
    liaison,
    make_cycle,
    make_scheme,
    results_of,
    score,
)
from tests.personnel.conftest import HR, make_unit
from tests.support.tokens import bearer

# ---- revisions ---------------------------------------------------------------------------


def test_revision_regrades_with_a_reason_and_keeps_the_history(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    alice, bob = add_staff(client, fin["id"], "Alice"), add_staff(client, fin["id"], "Bob")
    carol = add_staff(client, fin["id"], "Carol")
    scheme = make_scheme(client, excellent_cap_percent="34")  # 1 of 3
    cycle = finalized_cycle(client, scheme["id"], fin["id"], {alice: "80", bob: "95", carol: "70"})
    result = next(r for r in results_of(client, cycle["id"]) if r["staff_id"] == alice)
    url = f"/appraisal-results/{result['id']}/revisions"

    no_reason = client.post(url, json={"scores": {"performance": "60"}}, headers=HR)
    assert no_reason.status_code == 422
    same = client.post(url, json={"reason": "recheck"}, headers=HR)
    assert same.status_code == 409 and same.json()["code"] == "REVISION_CHANGES_NOTHING"
    not_hr = client.post(url, json={"reason": "x"}, headers=liaison(fin))
    assert not_hr.status_code == 403
    stale = client.post(
        url,
        json={"reason": "appeal", "scores": {"performance": "60"}},
        headers={**HR, "If-Match": '"5"'},
    )
    assert stale.status_code == 412
    revised = client.post(
        url,
        json={"reason": "appeal upheld: Q3 report miscounted", "scores": {"performance": "50"}},
        headers={**HR, "If-Match": '"1"'},
    )
    assert revised.status_code == 201, revised.text
    assert revised.json()["grade"] == "basically_competent"  # 0.7·80 + 0.3·50 = 71
    assert revised.json()["weighted_score"] == "71.00"
    assert (revised.json()["revision"], revised.headers["etag"]) == (1, '"2"')
    assert revised.json()["rank_in_unit"] == 2, "Carol (70) is now third"

    history = client.get(url, headers=HR).json()["items"]
    assert [(h["revision"], h["grade"], h["weighted_score"]) for h in history] == [
        (0, "competent", "80.00"),
        (1, "basically_competent", "71.00"),
    ]
    assert history[1]["reason"].startswith("appeal upheld") and history[0]["performance"] == "80.00"
    current = client.get("/grades", params={"staff_id": alice}, headers=HR).json()["items"]
    assert [(g["grade"], g["revision"]) for g in current] == [("basically_competent", 1)]

    carol_result = next(r for r in results_of(client, cycle["id"]) if r["staff_id"] == carol)
    over_cap = client.post(
        f"/appraisal-results/{carol_result['id']}/revisions",
        json={"reason": "recount", "scores": all_six("99")},
        headers=HR,
    )
    assert over_cap.status_code == 409 and over_cap.json()["code"] == "EXCELLENT_CAP_EXCEEDED"
    assert over_cap.json()["units"][0]["allowed"] == 1
    unknown = client.post(
        f"/appraisal-results/{uuid.uuid4()}/revisions", json={"reason": "x"}, headers=HR
    )
    assert unknown.status_code == 404


# ---- annual roll-up, transfers, the bulk grade list -----------------------------------------


def test_annual_rolls_up_the_quarters_when_no_annual_scores_are_entered(
    client: TestClient,
) -> None:
    fin = make_unit(client, "FIN")
    alice, bob = add_staff(client, fin["id"], "Alice"), add_staff(client, fin["id"], "Bob")
    newcomer = add_staff(client, fin["id"], "New", since=date(2026, 11, 1))
    scheme = make_scheme(client, excellent_cap_percent="100")["id"]
    q1 = make_cycle(client, scheme, [fin["id"]], "quarterly", "2026-01-01", "2026-03-31")
    q2 = make_cycle(client, scheme, [fin["id"]], "quarterly", "2026-04-01", "2026-06-30")
    for cycle, value in ((q1, "92"), (q2, "87")):
        score(client, cycle["id"], alice, value)
        score(client, cycle["id"], bob, "70")
        advance(client, cycle["id"], "submit", "review", "finalize")
    monthly = make_cycle(client, scheme, [fin["id"]], "monthly", "2026-07-01", "2026-07-31")
    score(client, monthly["id"], alice, "10")  # quarterly results are preferred
    advance(client, monthly["id"], "submit", "review", "finalize")

    annual = make_cycle(client, scheme, [fin["id"]])
    score(client, annual["id"], bob, "91")  # entered annual scores win over the roll-up
    advance(client, annual["id"], "submit", "review", "finalize")
    results = {r["staff_id"]: r for r in results_of(client, annual["id"])}
    assert set(results) == {alice, bob}, "no scores and no shorter results: not appraised"
    assert newcomer not in results
    assert results[alice]["source"] == "rolled_up"
    assert results[alice]["morality"] == "89.50" and results[alice]["weighted_score"] == "89.50"
    assert results[alice]["grade"] == "competent"
    assert (results[bob]["source"], results[bob]["grade"]) == ("scored", "excellent")


def test_peers_read_current_grades_in_bulk_by_year_kind_unit(client: TestClient) -> None:
    fin, hr = make_unit(client, "FIN"), make_unit(client, "HR")
    staff = [add_staff(client, fin["id"], f"F{i}") for i in range(3)]
    staff += [add_staff(client, hr["id"], f"H{i}") for i in range(2)]
    scheme = make_scheme(client, excellent_cap_percent="100")["id"]
    annual = make_cycle(client, scheme, [fin["id"], hr["id"]])
    q1 = make_cycle(client, scheme, [fin["id"]], "quarterly", "2026-01-01", "2026-03-31")
    for cycle in (annual, q1):
        for staff_id in staff:
            if cycle is annual or staff_id in staff[:3]:
                score(client, cycle["id"], staff_id, "82")
        advance(client, cycle["id"], "submit", "review", "finalize")
    peer = bearer("service", sub="service:finance")
    page = client.get(
        "/grades", params={"year": 2026, "cycle_kind": "annual", "limit": 2}, headers=peer
    ).json()
    assert (page["total"], len(page["items"]), page["limit"]) == (5, 2, 2)
    second = client.get(
        "/grades",
        params={"year": 2026, "cycle_kind": "annual", "limit": 2, "offset": 2},
        headers=peer,
    ).json()
    third = client.get(
        "/grades",
        params={"year": 2026, "cycle_kind": "annual", "limit": 2, "offset": 4},
        headers=peer,
    ).json()
    seen = [g["staff_id"] for p in (page, second, third) for g in p["items"]]
    assert sorted(seen) == sorted(staff), "stable order: every grade exactly once"
    item = page["items"][0]
    assert item["year"] == 2026 and item["cycle_kind"] == "annual" and item["grade"] == "competent"
    assert client.get("/grades", params={"year": 2026}, headers=peer).json()["total"] == 8
    by_unit = client.get("/grades", params={"unit_id": hr["id"]}, headers=peer).json()
    assert by_unit["total"] == 2
    assert client.get("/grades", params={"year": 2025}, headers=peer).json()["total"] == 0
    assert client.get("/grades", params={"limit": 201}, headers=peer).status_code == 422
    assert client.get("/grades", params={"year": "soon"}, headers=peer).status_code == 422
    assert client.get("/grades", params={"cycle_kind": "weekly"}, headers=peer).status_code == 422
    assert client.get("/grades", headers=bearer("auditor")).json()["total"] == 8
