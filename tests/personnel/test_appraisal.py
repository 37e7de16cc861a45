"""Appraisal over HTTP: schemes, cycles, scores, finalization with the 优秀 share and the
penalty veto (revisions, roll-up and grades: test_appraisal_results.py)."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.testclient import TestClient

from tests.personnel.appraisal_support import (
    SCHEME,
    add_staff,
    advance,
    all_six,
    finalized_cycle,
    make_cycle,
    make_scheme,
    outbox_rows,
    results_of,
    score,
)
from tests.personnel.conftest import HR, make_unit
from tests.support.tokens import bearer

# ---- schemes -------------------------------------------------------------------------------


def test_scheme_weights_must_sum_to_100_and_thresholds_descend(client: TestClient) -> None:
    lopsided = {**SCHEME["weights"], "innovation": "11"}
    response = client.post("/appraisal-schemes", json={**SCHEME, "weights": lopsided}, headers=HR)
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_SCHEME"
    assert "sum to 100" in response.json()["detail"]
    upside = {"excellent": "70", "competent": "75", "basically_competent": "60"}
    response = client.post("/appraisal-schemes", json={**SCHEME, "thresholds": upside}, headers=HR)
    assert response.status_code == 422
    bad_type = {**SCHEME["weights"], "ability": "lots"}
    response = client.post("/appraisal-schemes", json={**SCHEME, "weights": bad_type}, headers=HR)
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"
    assert client.get("/appraisal-schemes", headers=HR).json()["total"] == 0


def test_scheme_is_editable_until_a_finalized_cycle_uses_it_then_needs_a_new_edition(
    client: TestClient,
) -> None:
    unit = make_unit(client, "FIN")
    alice = add_staff(client, unit["id"], "Alice")
    scheme = make_scheme(client)
    assert scheme["edition"] == 1 and scheme["locked"] is False
    assert scheme["weights"]["performance"] == "30.00"
    assert scheme["excellent_cap_percent"] == "20.00" and scheme["scale_max"] == "100.00"
    url = f"/appraisal-schemes/{scheme['id']}"
    stale = client.patch(url, json={"name": "Renamed"}, headers={**HR, "If-Match": '"9"'})
    assert stale.status_code == 412
    renamed = client.patch(url, json={"name": "Renamed"}, headers={**HR, "If-Match": '"1"'})
    assert renamed.status_code == 200 and renamed.headers["etag"] == '"2"'

    finalized_cycle(client, scheme["id"], unit["id"], {alice: "80"})
    locked = client.get(url, headers=HR).json()
    assert locked["locked"] is True
    refused = client.patch(url, json={"excellent_cap_percent": "20"}, headers=HR)
    assert refused.status_code == 409 and refused.json()["code"] == "SCHEME_LOCKED"

    weights = {**SCHEME["weights"], "performance": "25", "innovation": "15"}
    edition = client.post(f"{url}/editions", json={"weights": weights}, headers=HR)
    assert edition.status_code == 201, edition.text
    assert edition.json()["edition"] == 2 and edition.json()["code"] == "STD"
    assert edition.json()["name"] == "Renamed" and edition.json()["locked"] is False
    assert client.get(url, headers=HR).json()["weights"]["performance"] == "30.00"
    listed = client.get("/appraisal-schemes", params={"code": "STD"}, headers=HR).json()
    assert [s["edition"] for s in listed["items"]] == [2, 1]


def test_a_partial_change_keeps_what_it_does_not_name(client: TestClient) -> None:
    scheme = make_scheme(client)
    url = f"/appraisal-schemes/{scheme['id']}"
    changed = client.patch(url, json={"vetoes": {"penalty_caps_at": "competent"}}, headers=HR)
    assert changed.status_code == 200, changed.text
    assert changed.json()["vetoes"] == {"integrity_below": "85.00", "penalty_caps_at": "competent"}
    off = client.patch(url, json={"vetoes": {"integrity_below": None}, "weights": None}, headers=HR)
    assert off.status_code == 200, off.text
    assert off.json()["vetoes"] == {"integrity_below": None, "penalty_caps_at": "competent"}
    assert off.json()["weights"] == scheme["weights"]
    out_of_scale = client.patch(url, json={"scale_max": "80"}, headers=HR)
    assert out_of_scale.status_code == 422 and out_of_scale.json()["code"] == "INVALID_SCHEME"
    assert (
        client.patch(f"/appraisal-schemes/{uuid.uuid4()}", json={}, headers=HR).status_code == 404
    )


# ---- cycles and scores ---------------------------------------------------------------------


def test_cycle_needs_known_budget_units_a_known_scheme_and_a_sane_period(
    client: TestClient,
) -> None:
    unit = make_unit(client, "FIN")
    section = make_unit(client, "FIN-01", kind="section", parent_id=unit["id"])
    scheme = make_scheme(client)
    base = {
        "name": "Q1",
        "kind": "quarterly",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "unit_ids": [unit["id"]],
        "scheme_id": scheme["id"],
    }
    cases = [
        ({"unit_ids": [str(uuid.uuid4())]}, "UNKNOWN_UNIT"),
        ({"unit_ids": [section["id"]]}, "NOT_A_BUDGET_UNIT"),
        ({"scheme_id": str(uuid.uuid4())}, "UNKNOWN_SCHEME"),
        ({"period_end": "2025-12-31"}, "INVALID_PERIOD"),
        ({"period_end": "2026-06-30"}, "INVALID_PERIOD"),  # too long for a quarter
        ({"kind": "weekly"}, "VALIDATION_FAILED"),
        ({"unit_ids": []}, "VALIDATION_FAILED"),
        ({"period_start": "not a date"}, "VALIDATION_FAILED"),
    ]
    for change, code in cases:
        response = client.post("/appraisal-cycles", json={**base, **change}, headers=HR)
        assert response.status_code == 422, change
        assert response.json()["code"] == code, change
    created = client.post("/appraisal-cycles", json=base, headers=HR)
    assert created.status_code == 201
    assert created.json()["status"] == "open" and created.json()["year"] == 2026
    assert client.get("/appraisal-cycles/not-a-uuid", headers=HR).status_code == 422
    assert client.get(f"/appraisal-cycles/{uuid.uuid4()}", headers=HR).status_code == 404


def test_an_open_cycle_changes_its_units_but_keeps_those_with_scores(client: TestClient) -> None:
    fin, hr, it = make_unit(client, "FIN"), make_unit(client, "HR"), make_unit(client, "IT")
    alice = add_staff(client, fin["id"], "Alice")
    cycle = make_cycle(client, make_scheme(client)["id"], [fin["id"], hr["id"]])
    url = f"/appraisal-cycles/{cycle['id']}"
    score(client, cycle["id"], alice)
    keep_scored = client.patch(url, json={"unit_ids": [hr["id"]]}, headers=HR)
    assert keep_scored.status_code == 409 and keep_scored.json()["code"] == "UNIT_HAS_SCORES"
    stale = client.patch(url, json={"name": "x"}, headers={**HR, "If-Match": '"9"'})
    assert stale.status_code == 412
    changed = client.patch(
        url, json={"name": "Annual 2026", "unit_ids": [fin["id"], it["id"]]}, headers=HR
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Annual 2026" and changed.headers["etag"] == '"2"'
    assert sorted(changed.json()["unit_ids"]) == sorted([fin["id"], it["id"]])
    listed = client.get("/appraisal-cycles", params={"unit_id": it["id"]}, headers=HR).json()
    assert [c["id"] for c in listed["items"]] == [cycle["id"]]
    assert (
        client.get("/appraisal-cycles", params={"unit_id": hr["id"]}, headers=HR).json()["total"]
        == 0
    )


def test_scores_are_checked_against_the_scale_and_the_cycle_staff(client: TestClient) -> None:
    fin, other = make_unit(client, "FIN"), make_unit(client, "HR")
    alice = add_staff(client, fin["id"], "Alice")
    bob = add_staff(client, other["id"], "Bob")
    gone = add_staff(client, fin["id"], "Gone", until=date(2025, 12, 31))
    cycle = make_cycle(client, make_scheme(client)["id"], [fin["id"]])
    cid = cycle["id"]

    over = score(client, cid, alice, "80", integrity="100.5")
    assert over.status_code == 422 and over.json()["code"] == "SCORE_OUT_OF_SCALE"
    assert "integrity" in over.json()["detail"]
    assert score(client, cid, alice, "-1").status_code == 422
    wrong_type = client.put(
        f"/appraisal-cycles/{cid}/scores/{alice}", json={"ability": "high"}, headers=HR
    )
    assert wrong_type.status_code == 422
    assert score(client, cid, bob).json()["code"] == "STAFF_NOT_IN_CYCLE"
    assert score(client, cid, gone).json()["code"] == "STAFF_NOT_IN_CYCLE"
    assert score(client, cid, str(uuid.uuid4())).json()["code"] == "UNKNOWN_STAFF"
    assert score(client, str(uuid.uuid4()), alice).status_code == 404

    batch = {
        "scores": [
            {"staff_id": alice, **all_six("88")},
            {"staff_id": bob, **all_six("88")},
            {"staff_id": alice, "ability": "500"},
        ]
    }
    refused = client.post(f"/appraisal-cycles/{cid}/scores", json=batch, headers=HR)
    assert refused.status_code == 422 and refused.json()["code"] == "INVALID_SCORES"
    codes = sorted(e["code"] for e in refused.json()["errors"])
    assert codes == ["DUPLICATE_STAFF", "SCORE_OUT_OF_SCALE", "STAFF_NOT_IN_CYCLE"]
    listing = client.get(f"/appraisal-cycles/{cid}/scores", headers=HR).json()
    assert listing["total"] == 0, "all or nothing"

    partial = client.put(
        f"/appraisal-cycles/{cid}/scores/{alice}", json={"morality": "90"}, headers=HR
    )
    assert partial.status_code == 200 and partial.json()["complete"] is False
    assert partial.headers["etag"] == '"1"'
    submit = client.post(f"/appraisal-cycles/{cid}/submit", headers=HR)
    assert submit.status_code == 409 and submit.json()["code"] == "INCOMPLETE_SCORES"
    assert submit.json()["staff_ids"] == [alice]
    stale = client.put(
        f"/appraisal-cycles/{cid}/scores/{alice}",
        json=all_six("80"),
        headers={**HR, "If-Match": '"7"'},
    )
    assert stale.status_code == 412
    done = score(client, cid, alice, "80")
    assert done.json()["complete"] is True and done.json()["morality"] == "80.00"
    audit = client.get(
        "/audit", params={"resource_type": "appraisal_score"}, headers=bearer("auditor")
    )
    assert len(audit.json()["items"]) == 2


def test_lifecycle_runs_in_order_and_a_finalized_cycle_refuses_edits(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    people = {add_staff(client, fin["id"], f"P{i}"): v for i, v in enumerate(["95", "80", "62"])}
    cycle = make_cycle(client, make_scheme(client, excellent_cap_percent="100")["id"], [fin["id"]])
    cid = cycle["id"]
    for staff_id, value in people.items():
        assert score(client, cid, staff_id, value).status_code == 200
    early = client.post(f"/appraisal-cycles/{cid}/finalize", headers=HR)
    assert early.status_code == 409 and early.json()["code"] == "CYCLE_WRONG_STATUS"
    advance(client, cid, "submit")
    closed = score(client, cid, next(iter(people)))
    assert closed.status_code == 409 and closed.json()["code"] == "CYCLE_WRONG_STATUS"
    advance(client, cid, "review")
    stale = client.post(f"/appraisal-cycles/{cid}/finalize", headers={**HR, "If-Match": '"1"'})
    assert stale.status_code == 412
    final = advance(client, cid, "finalize").json()
    assert final["status"] == "finalized" and final["finalized_at"]

    results = results_of(client, cid)
    assert [(r["grade"], r["rank_in_unit"]) for r in results] == [
        ("excellent", 1),
        ("competent", 2),
        ("basically_competent", 3),
    ]
    assert results[0]["weighted_score"] == "95.00"
    for attempt in (
        score(client, cid, next(iter(people))),
        client.post(f"/appraisal-cycles/{cid}/reopen", headers=HR),
        client.post(f"/appraisal-cycles/{cid}/finalize", headers=HR),
        client.patch(f"/appraisal-cycles/{cid}", json={"name": "x"}, headers=HR),
    ):
        assert attempt.status_code == 409
        assert attempt.json()["code"] == "CYCLE_FINALIZED"
    actions = [
        e["action"]
        for e in client.get(
            "/audit", params={"resource_type": "appraisal_cycle"}, headers=bearer("auditor")
        ).json()["items"]
    ]
    assert actions[:4] == [
        "appraisal_cycle.finalize",
        "appraisal_cycle.review",
        "appraisal_cycle.submit",
        "appraisal_cycle.create",
    ]


def test_excellent_share_is_enforced_at_finalization_and_nothing_changes(
    client: TestClient,
) -> None:
    client.app.state.settings.grade_subscribers = ["finance"]  # type: ignore[attr-defined]
    fin = make_unit(client, "FIN")
    hr = make_unit(client, "HR")
    scheme = make_scheme(client)  # 20% of 6 people → 1 excellent allowed
    fin_staff = [add_staff(client, fin["id"], f"Fin {i}") for i in range(6)]
    hr_staff = [add_staff(client, hr["id"], f"Hr {i}") for i in range(5)]
    cycle = make_cycle(client, scheme["id"], [fin["id"], hr["id"]])
    cid = cycle["id"]
    values = ["96", "93", "91", "80", "70", "65"]
    for staff_id, value in zip(fin_staff, values, strict=True):
        score(client, cid, staff_id, value)
    for staff_id in hr_staff:
        score(client, cid, staff_id, "94", integrity="80")  # vetoed: competent, no excess
    advance(client, cid, "submit", "review")
    before_outbox = outbox_rows(client)

    refused = client.post(f"/appraisal-cycles/{cid}/finalize", headers=HR)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "EXCELLENT_CAP_EXCEEDED"
    [unit] = problem["units"]
    assert (unit["unit_id"], unit["unit_code"]) == (fin["id"], "FIN")
    assert (unit["participants"], unit["allowed"]) == (6, 1)
    assert [p["name"] for p in unit["excellent"]] == ["Fin 0", "Fin 1", "Fin 2"]
    assert [p["staff_id"] for p in unit["exceeding"]] == fin_staff[1:3]
    assert "Fin 1" in problem["detail"] and "Fin 2" in problem["detail"]
    # nothing changed: still reviewed, no results, no event, scheme still editable
    assert client.get(f"/appraisal-cycles/{cid}", headers=HR).json()["status"] == "reviewed"
    assert client.get("/grades", headers=HR).json()["total"] == 0
    assert outbox_rows(client) == before_outbox
    assert client.get(f"/appraisal-schemes/{scheme['id']}", headers=HR).json()["locked"] is False

    advance(client, cid, "reopen")
    score(client, cid, fin_staff[1], "89")
    score(client, cid, fin_staff[2], "85")
    advance(client, cid, "submit", "review", "finalize")
    assert outbox_rows(client) == before_outbox + 1, "the accepted finalization is announced"
    fin_results = client.get(
        f"/appraisal-cycles/{cid}/results", params={"unit_id": fin["id"]}, headers=HR
    ).json()["items"]
    assert [r["grade"] for r in fin_results].count("excellent") == 1
    hr_results = client.get(
        f"/appraisal-cycles/{cid}/results", params={"unit_id": hr["id"]}, headers=HR
    ).json()["items"]
    assert {r["grade"] for r in hr_results} == {"competent"}
    assert all(r["vetoes"] == ["integrity_below_line"] for r in hr_results)
    assert {r["rank_in_unit"] for r in hr_results} == {1}, "equal scores share a rank"


def test_penalty_in_the_period_caps_the_grade_unless_voided(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    punished, cleared, earlier = (add_staff(client, fin["id"], n) for n in ("Pun", "Clr", "Old"))
    scheme = make_scheme(client, excellent_cap_percent="100")

    def penalty(staff_id: str, on: str, until: str | None = None) -> str:
        body = {
            "staff_id": staff_id,
            "kind": "penalty",
            "subtype": "警告",
            "effective_on": on,
            "effective_until": until,
            "reason": "late reports",
            "issuer": "市纪委",
        }
        response = client.post("/accountability-records", json=body, headers=HR)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    penalty(punished, "2026-05-10")
    void_me = penalty(cleared, "2026-05-10")
    client.post(f"/accountability-records/{void_me}/void", json={"reason": "appeal"}, headers=HR)
    penalty(earlier, "2025-03-01", until="2025-12-31")  # over before the period
    cycle = finalized_cycle(
        client, scheme["id"], fin["id"], {punished: "96", cleared: "96", earlier: "96"}
    )
    grades = {r["staff_id"]: (r["grade"], r["vetoes"]) for r in results_of(client, cycle["id"])}
    assert grades[punished] == ("basically_competent", ["penalty_in_period"])
    assert grades[cleared] == ("excellent", [])
    assert grades[earlier] == ("excellent", [])


# ---- revisions -----------------------------------------------------------------------------
