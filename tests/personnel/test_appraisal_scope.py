"""Appraisal scope: a unit liaison reaches only its own unit, staff only their own scores and
grades, a transfer moves a person's appraisal to their last unit."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from tests.personnel.appraisal_support import (
    add_staff,
    advance,
    all_six,
    liaison,
    make_cycle,
    make_scheme,
    results_of,
    score,
    transfer,
)
from tests.personnel.conftest import make_unit
from tests.support.tokens import bearer


def test_a_liaison_scores_and_reads_only_its_own_unit(client: TestClient) -> None:
    fin, hr = make_unit(client, "FIN"), make_unit(client, "HR")
    section = make_unit(client, "FIN-01", kind="section", parent_id=fin["id"])
    mine = add_staff(client, section["id"], "In a FIN section")
    theirs = add_staff(client, hr["id"], "In HR")
    scheme = make_scheme(client, excellent_cap_percent="100")
    cid = make_cycle(client, scheme["id"], [fin["id"], hr["id"]])["id"]

    assert score(client, cid, mine, "85", headers=liaison(fin)).status_code == 200
    refused = score(client, cid, theirs, "85", headers=liaison(fin))
    assert refused.status_code == 403 and refused.json()["code"] == "OUTSIDE_OWN_UNIT"
    batch = {"scores": [{"staff_id": mine, **all_six("86")}, {"staff_id": theirs, **all_six("86")}]}
    mixed = client.post(f"/appraisal-cycles/{cid}/scores", json=batch, headers=liaison(fin))
    assert mixed.status_code == 403 and mixed.json()["staff_ids"] == [theirs]
    assert score(client, cid, theirs, "70", headers=liaison(hr)).status_code == 200
    no_unit = score(client, cid, mine, "85", headers=bearer("unit_liaison"))
    assert no_unit.status_code == 403 and no_unit.json()["code"] == "NO_UNIT_SCOPE"
    assert score(client, cid, mine, "85", headers=bearer("director")).status_code == 403

    listing = client.get(f"/appraisal-cycles/{cid}/scores", headers=liaison(fin)).json()
    assert [s["staff_id"] for s in listing["items"]] == [mine]
    assert listing["items"][0]["unit_id"] == fin["id"], "a section counts for its budget unit"
    other = client.get(
        f"/appraisal-cycles/{cid}/scores", params={"unit_id": hr["id"]}, headers=liaison(fin)
    )
    assert other.status_code == 403
    one = client.get(f"/appraisal-cycles/{cid}/scores/{theirs}", headers=liaison(fin))
    assert one.status_code == 403

    advance(client, cid, "submit", "review", "finalize")
    seen = results_of(client, cid, headers=liaison(fin))
    assert [r["staff_id"] for r in seen] == [mine]
    foreign = next(r for r in results_of(client, cid) if r["staff_id"] == theirs)
    refused = client.get(f"/appraisal-results/{foreign['id']}", headers=liaison(fin))
    assert refused.status_code == 403
    grades = client.get("/grades", params={"year": 2026}, headers=liaison(fin)).json()
    assert [g["staff_id"] for g in grades["items"]] == [mine]
    other_unit = client.get("/grades", params={"unit_id": hr["id"]}, headers=liaison(fin))
    assert other_unit.status_code == 403


def test_staff_read_their_own_scores_and_grades_and_nobody_elses(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    alice, bob = add_staff(client, fin["id"], "Alice"), add_staff(client, fin["id"], "Bob")
    me = bearer("staff", staff_id=alice)
    cycle = make_cycle(client, make_scheme(client)["id"], [fin["id"]])
    cid = cycle["id"]
    score(client, cid, alice, "88")
    score(client, cid, bob, "78")
    assert score(client, cid, alice, "99", headers=me).status_code == 403, "no self-scoring"

    own = client.get(f"/appraisal-cycles/{cid}/scores", headers=me).json()
    assert [s["staff_id"] for s in own["items"]] == [alice]
    assert client.get(f"/appraisal-cycles/{cid}/scores/{alice}", headers=me).status_code == 200
    assert client.get(f"/appraisal-cycles/{cid}/scores/{bob}", headers=me).status_code == 403
    filtered = client.get(f"/appraisal-cycles/{cid}/scores", params={"staff_id": bob}, headers=me)
    assert filtered.status_code == 403

    advance(client, cid, "submit", "review", "finalize")
    results = {r["staff_id"]: r for r in results_of(client, cid)}
    assert [r["staff_id"] for r in results_of(client, cid, headers=me)] == [alice]
    assert client.get(f"/appraisal-results/{results[alice]['id']}", headers=me).status_code == 200
    revisions = client.get(f"/appraisal-results/{results[alice]['id']}/revisions", headers=me)
    assert revisions.status_code == 200 and len(revisions.json()["items"]) == 1
    assert client.get(f"/appraisal-results/{results[bob]['id']}", headers=me).status_code == 403
    grades = client.get("/grades", headers=me).json()["items"]
    assert [(g["staff_id"], g["grade"]) for g in grades] == [(alice, "competent")]
    assert client.get("/grades", params={"staff_id": bob}, headers=me).status_code == 403
    unlinked = client.get("/grades", headers=bearer("staff"))
    assert unlinked.status_code == 403 and unlinked.json()["code"] == "NO_STAFF_RECORD"
    assert client.get("/grades", headers=bearer("finance_officer")).status_code == 403


def test_a_transfer_in_the_period_appraises_in_the_last_unit(client: TestClient) -> None:
    fin, hr = make_unit(client, "FIN"), make_unit(client, "HR")
    mover = add_staff(client, fin["id"], "Mover")
    transfer(client, mover, hr["id"], date(2026, 8, 1))
    scheme = make_scheme(client)["id"]
    cycle = make_cycle(client, scheme, [fin["id"], hr["id"]])
    assert score(client, cycle["id"], mover, "80", headers=liaison(fin)).status_code == 403
    saved = score(client, cycle["id"], mover, "80", headers=liaison(hr))
    assert saved.status_code == 200 and saved.json()["unit_id"] == hr["id"]
    q1 = make_cycle(client, scheme, [fin["id"]], "quarterly", "2026-01-01", "2026-03-31")
    before = score(client, q1["id"], mover, "80", headers=liaison(fin))
    assert before.json()["unit_id"] == fin["id"], "before the transfer: the old unit"
