"""Checklists, rounds and answers: versions, states, idempotent offline posting."""

from __future__ import annotations

import uuid

from tests.facilities.conftest import OFFICER, Suite, layout, ok
from tests.facilities.support import answer, checklists, items_of, plan_round, post


def test_a_checklist_change_is_a_new_version_and_rounds_keep_theirs(suite: Suite) -> None:
    client = suite.client
    place = layout(suite.assets)
    fire, _ = checklists(client)
    assert fire["version"] == 1 and fire["items"][0]["code"] == "FIRE-01"
    before = plan_round(client, place["compound"]["id"], start=False)
    newer = {
        "category": "fire",
        "title": "Fire safety 2027",
        "items": [{"code": "FIRE-01", "text": "Extinguishers in date", "severity": "critical"}],
    }
    second = ok(client.post("/checklists", json=newer, headers=OFFICER), 201)
    assert second["version"] == 2
    current = ok(client.get("/checklists?current=true", headers=OFFICER))["items"]
    assert {(c["category"], c["version"]) for c in current} == {("fire", 2), ("roads", 1)}
    after = plan_round(client, place["compound"]["id"], start=False)
    assert fire["id"] in before["checklist_ids"] and before["item_count"] == 5
    assert second["id"] in after["checklist_ids"] and after["item_count"] == 3
    assert ok(client.get(f"/checklists/{fire['id']}", headers=OFFICER))["item_count"] == 3


def test_duplicate_item_codes_are_refused(suite: Suite) -> None:
    body = {
        "category": "water",
        "title": "Water",
        "items": [{"code": "W-1", "text": "a", "severity": "minor"}] * 2,
    }
    response = suite.client.post("/checklists", json=body, headers=OFFICER)
    assert response.status_code == 422 and response.json()["code"] == "DUPLICATE_ITEM_CODE"
    assert ok(suite.client.get("/checklists", headers=OFFICER))["total"] == 0


def test_round_states_and_completion_needs_every_item(suite: Suite) -> None:
    client = suite.client
    place = layout(suite.assets)
    checklists(client)
    round_ = plan_round(client, place["compound"]["id"], start=False)
    assert round_["status"] == "planned" and round_["place"]["compound_name"] == "Compound C1"
    items = items_of(client, round_)
    refused = post(client, round_["id"], [answer(items["FIRE-01"])])
    assert refused.status_code == 409 and refused.json()["code"] == "ROUND_NOT_STARTED"
    ok(client.post(f"/inspection-rounds/{round_['id']}/start", headers=OFFICER))
    again = client.post(f"/inspection-rounds/{round_['id']}/start", headers=OFFICER)
    assert again.status_code == 409 and again.json()["code"] == "ROUND_NOT_PLANNED"
    ok(post(client, round_["id"], [answer(items[c]) for c in ("FIRE-01", "FIRE-02")]))
    early = client.post(f"/inspection-rounds/{round_['id']}/complete", headers=OFFICER)
    assert early.status_code == 409 and early.json()["code"] == "ROUND_INCOMPLETE"
    assert early.json()["unanswered"] == 3
    rest = [answer(items[c], "not_applicable") for c in ("FIRE-03", "ROAD-01", "ROAD-02")]
    ok(post(client, round_["id"], rest))
    done = ok(client.post(f"/inspection-rounds/{round_['id']}/complete", headers=OFFICER))
    assert done["status"] == "completed"
    late = post(client, round_["id"], [answer(items["FIRE-01"])])
    assert late.status_code == 409 and late.json()["code"] == "ROUND_COMPLETED"
    detail = ok(client.get(f"/inspection-rounds/{round_['id']}", headers=OFFICER))
    assert detail["answered"] == 5


def test_the_same_batch_posted_twice_changes_nothing(suite: Suite) -> None:
    client = suite.client
    place = layout(suite.assets)
    checklists(client)
    round_ = plan_round(client, place["compound"]["id"])
    items = items_of(client, round_)
    batch = [
        answer(items["FIRE-01"], "defect", note="expired", photos=["p/1.jpg"]),
        answer(items["FIRE-02"]),
    ]
    first = ok(post(client, round_["id"], batch))
    assert first == {"received": 2, "new": 2, "repeated": 0, "hazards_raised": 1}
    second = ok(post(client, round_["id"], batch))
    assert second == {"received": 2, "new": 0, "repeated": 2, "hazards_raised": 0}
    assert ok(client.get("/hazards", headers=OFFICER))["total"] == 1
    answers = ok(client.get(f"/inspection-rounds/{round_['id']}/answers", headers=OFFICER))
    assert answers["total"] == 2 and answers["items"][0]["photos"] == ["p/1.jpg"]


def test_a_different_answer_for_an_answered_item_is_a_conflict(suite: Suite) -> None:
    client = suite.client
    place = layout(suite.assets)
    checklists(client)
    round_ = plan_round(client, place["compound"]["id"])
    items = items_of(client, round_)
    ok(post(client, round_["id"], [answer(items["FIRE-01"])]))
    changed = [answer(items["FIRE-02"]), answer(items["FIRE-01"], "defect")]
    response = post(client, round_["id"], changed)
    assert response.status_code == 409 and response.json()["code"] == "ANSWER_CONFLICT"
    twice = [answer(items["FIRE-03"]), answer(items["FIRE-03"], "not_applicable")]
    assert post(client, round_["id"], twice).json()["code"] == "ANSWER_CONFLICT"
    # the refused batches kept nothing
    assert ok(client.get(f"/inspection-rounds/{round_['id']}", headers=OFFICER))["answered"] == 1
    assert ok(client.get("/hazards", headers=OFFICER))["total"] == 0


def test_answers_are_checked_before_anything_is_kept(suite: Suite) -> None:
    client = suite.client
    place = layout(suite.assets)
    other = layout(suite.assets, "C2")
    checklists(client)
    round_ = plan_round(client, place["compound"]["id"], building_ids=[place["buildings"][0]["id"]])
    items = items_of(client, round_)
    good = answer(items["ROAD-01"])
    cases = {
        "UNKNOWN_ITEM": answer({"id": str(uuid.uuid4())}),
        "NOT_AN_INSPECTOR": answer(items["FIRE-01"], inspector_id=str(uuid.uuid4())),
        "FUTURE_ANSWER": answer(items["FIRE-01"], answered_at="2999-01-01T00:00:00Z"),
        "ANSWER_BEFORE_ROUND": answer(items["FIRE-01"], answered_at="2001-01-01T00:00:00Z"),
        "DEFECT_WITHOUT_NOTE": answer(items["FIRE-01"], "defect", note=None),
        "LOCATION_OUTSIDE_ROUND": answer(
            items["FIRE-01"], "defect", building_id=place["buildings"][1]["id"]
        ),
        "LOCATION_MISMATCH": answer(
            items["FIRE-01"], "defect", building_id=other["buildings"][0]["id"]
        ),
        "UNKNOWN_LOCATION": answer(items["FIRE-01"], "defect", room_id=str(uuid.uuid4())),
    }
    for code, bad in cases.items():
        response = post(client, round_["id"], [good, bad])
        assert response.status_code in (409, 422), response.text
        assert response.json()["code"] == code
    assert ok(client.get(f"/inspection-rounds/{round_['id']}", headers=OFFICER))["answered"] == 0


def test_a_round_names_a_known_compound_and_its_buildings(suite: Suite) -> None:
    client = suite.client
    place = layout(suite.assets)
    other = layout(suite.assets, "C2")
    checklists(client)
    body = {
        "compound_id": str(uuid.uuid4()),
        "planned_on": "2026-01-05",
        "inspectors": [str(uuid.uuid4())],
    }
    unknown = client.post("/inspection-rounds", json=body, headers=OFFICER)
    assert unknown.status_code == 422 and unknown.json()["code"] == "UNKNOWN_LOCATION"
    body |= {"compound_id": place["compound"]["id"], "building_ids": [other["buildings"][0]["id"]]}
    elsewhere = client.post("/inspection-rounds", json=body, headers=OFFICER)
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "LOCATION_MISMATCH"
    body |= {"building_ids": [], "categories": ["heating"]}
    none = client.post("/inspection-rounds", json=body, headers=OFFICER)
    assert none.status_code == 422 and none.json()["code"] == "NO_CHECKLIST"
    assert ok(client.get("/inspection-rounds", headers=OFFICER))["total"] == 0
