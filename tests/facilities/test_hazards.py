"""Hazards: due times from the severity rules, the life to closing, escalation, dashboard."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.facilities.conftest import OFFICER, Suite, layout, ok
from tests.facilities.support import (
    INSPECTOR,
    SECOND_INSPECTOR,
    answer,
    found,
    items_of,
    plan_round,
    post,
)
from tests.support.tokens import bearer


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_due_times_follow_the_severity_rules(suite: Suite) -> None:
    at = (datetime.now(UTC) - timedelta(hours=3)).replace(microsecond=0)
    made = found(
        suite,
        ("FIRE-01", "defect", {"answered_at": at.isoformat()}),  # the item's critical
        ("FIRE-02", "defect", {"answered_at": at.isoformat()}),  # major
        ("FIRE-03", "defect", {"answered_at": at.isoformat(), "severity": "critical"}),
        ("ROAD-01", "defect", {"answered_at": at.isoformat()}),  # minor
        ("ROAD-02", "ok", {}),
    )
    by_code = {h["item_code"]: h for h in made["hazards"]}
    assert set(by_code) == {"FIRE-01", "FIRE-02", "FIRE-03", "ROAD-01"}
    periods = {code: _at(h["due_at"]) - _at(h["found_at"]) for code, h in by_code.items()}
    assert periods == {
        "FIRE-01": timedelta(hours=24),
        "FIRE-02": timedelta(days=7),
        "FIRE-03": timedelta(hours=24),
        "ROAD-01": timedelta(days=30),
    }
    assert (
        by_code["ROAD-01"]["category"] == "roads" and by_code["FIRE-03"]["severity"] == "critical"
    )
    assert _at(by_code["FIRE-02"]["director_due_at"]) - _at(by_code["FIRE-02"]["due_at"]) == (
        timedelta(days=7)
    )


def test_a_new_due_rule_applies_from_its_date(suite: Suite) -> None:
    client = suite.client
    rules = ok(client.get("/hazard-due-rules", headers=OFFICER))["items"]
    assert {(r["severity"], r["period_hours"]) for r in rules} == {
        ("critical", 24),
        ("major", 168),
        ("minor", 720),
    }
    today = datetime.now(UTC).date().isoformat()
    rule = {"severity": "critical", "effective_from": today, "period_hours": 4}
    ok(client.post("/hazard-due-rules", json=rule, headers=OFFICER), 201)
    again = client.post("/hazard-due-rules", json=rule, headers=OFFICER)
    assert again.status_code == 409 and again.json()["code"] == "RULE_EXISTS"
    made = found(suite, ("FIRE-01", "defect", {"answered_at": datetime.now(UTC).isoformat()}))
    hazard = made["hazards"][0]
    assert _at(hazard["due_at"]) - _at(hazard["found_at"]) == timedelta(hours=4)


def _reinspect(
    suite: Suite, made: dict[str, Any], outcome: str = "ok", inspector: str = SECOND_INSPECTOR
) -> dict[str, Any]:
    round_ = plan_round(suite.client, made["place"]["compound"]["id"])
    items = items_of(suite.client, round_)
    ok(
        post(
            suite.client,
            round_["id"],
            [
                answer(
                    items["FIRE-01"],
                    outcome,
                    inspector_id=inspector,
                    answered_at=datetime.now(UTC).isoformat(),
                )
            ],
        )
    )
    return round_


def _step(client: TestClient, hazard_id: str, step: str, body: dict[str, Any]) -> Any:
    return client.post(f"/hazards/{hazard_id}/{step}", json=body, headers=OFFICER)


def test_a_hazard_closes_only_on_a_passing_reinspection_by_another(suite: Suite) -> None:
    client = suite.client
    made = found(suite, ("FIRE-01", "defect", {"room_id": None}))
    hazard = made["hazards"][0]
    hid, unit, person = hazard["id"], str(uuid.uuid4()), str(uuid.uuid4())
    early_round = _reinspect(suite, made)
    refused = _step(client, hid, "close", {"round_id": early_round["id"]})
    assert refused.status_code == 409 and refused.json()["code"] == "HAZARD_NOT_FIXED"
    not_assigned = _step(client, hid, "fix", {"fixer_id": INSPECTOR, "note": "replaced"})
    assert not_assigned.json()["code"] == "HAZARD_NOT_ASSIGNED"
    assigned = ok(_step(client, hid, "assign", {"unit_id": unit, "staff_id": person}))
    assert assigned["status"] == "assigned" and assigned["responsible_unit_id"] == unit
    fixed = ok(_step(client, hid, "fix", {"fixer_id": INSPECTOR, "note": "replaced"}))
    assert fixed["status"] == "fixed" and fixed["fixer_id"] == INSPECTOR
    reassign = _step(client, hid, "assign", {"unit_id": unit, "staff_id": person})
    assert reassign.json()["code"] == "HAZARD_FIXED"
    # the round before the fix, the round that found it, a failing and the fixer's own
    before = _step(client, hid, "close", {"round_id": early_round["id"]})
    assert before.json()["code"] == "REINSPECTION_BEFORE_FIX"
    same = _step(client, hid, "close", {"round_id": made["round"]["id"]})
    assert same.json()["code"] == "NO_REINSPECTION"
    failing = _reinspect(suite, made, "defect")
    assert _step(client, hid, "close", {"round_id": failing["id"]}).json()["code"] == (
        "REINSPECTION_NOT_PASSED"
    )
    own = _reinspect(suite, made, inspector=INSPECTOR)
    by_fixer = _step(client, hid, "close", {"round_id": own["id"]})
    assert by_fixer.status_code == 409 and by_fixer.json()["code"] == "REINSPECTED_BY_FIXER"
    assert ok(client.get(f"/hazards/{hid}", headers=OFFICER))["status"] == "fixed"
    passing = _reinspect(suite, made)
    closed = ok(_step(client, hid, "close", {"round_id": passing["id"]}))
    assert closed["status"] == "closed" and closed["closing_round_id"] == passing["id"]
    assert _step(client, hid, "assign", {"unit_id": unit, "staff_id": person}).json()["code"] == (
        "HAZARD_CLOSED"
    )
    trail = ok(client.get(f"/audit?resource_id={hid}", headers=bearer("auditor")))["items"]
    assert [e["action"] for e in trail] == ["hazard.close", "hazard.fix", "hazard.assign"]


def test_a_reinspection_elsewhere_does_not_count(suite: Suite) -> None:
    client = suite.client
    made = found(suite, ("FIRE-01", "defect", {"building_id": None}))
    hid = made["hazards"][0]["id"]
    ok(_step(client, hid, "assign", {"unit_id": str(uuid.uuid4()), "staff_id": INSPECTOR}))
    ok(_step(client, hid, "fix", {"fixer_id": INSPECTOR, "note": "done"}))
    other = layout(suite.assets, "C9")
    round_ = plan_round(client, other["compound"]["id"])
    items = items_of(client, round_)
    ok(
        post(
            client,
            round_["id"],
            [
                answer(
                    items["FIRE-01"],
                    inspector_id=SECOND_INSPECTOR,
                    answered_at=datetime.now(UTC).isoformat(),
                )
            ],
        )
    )
    response = _step(client, hid, "close", {"round_id": round_["id"]})
    assert response.status_code == 422 and response.json()["code"] == "REINSPECTION_ELSEWHERE"


def test_overdue_hazards_escalate_once_to_the_unit_then_the_director(suite: Suite) -> None:
    client = suite.client
    long_ago = (datetime.now(UTC) - timedelta(days=1, hours=12)).isoformat()
    made = found(
        suite,
        ("FIRE-01", "defect", {"answered_at": long_ago}),  # critical: 36 h > 24 h, < 48 h
        ("FIRE-02", "defect", {"answered_at": long_ago}),  # major: not yet due
    )
    first = ok(client.post("/hazards/escalate", headers=OFFICER))
    assert first == {"to_unit": 1, "to_director": 0}
    assert ok(client.post("/hazards/escalate", headers=OFFICER)) == {"to_unit": 0, "to_director": 0}
    report = ok(client.get("/hazards/escalations", headers=bearer("director")))
    assert report["total"] == 1 and report["items"][0]["level"] == "unit"
    assert report["items"][0]["overdue_hours"] >= 11
    critical = next(h for h in made["hazards"] if h["item_code"] == "FIRE-01")
    assert ok(client.get(f"/hazards/{critical['id']}", headers=OFFICER))["escalation"] == 1
    # a round three days ago: its critical hazard is past the director's time as well
    place = layout(suite.assets, "C3")
    round_ = plan_round(client, place["compound"]["id"])
    items = items_of(client, round_)
    days_ago = (datetime.now(UTC) - timedelta(hours=50)).isoformat()
    ok(post(client, round_["id"], [answer(items["FIRE-01"], "defect", answered_at=days_ago)]))
    assert ok(client.post("/hazards/escalate", headers=OFFICER)) == {"to_unit": 1, "to_director": 1}
    levels = ok(client.get("/hazards/escalations?level=director", headers=OFFICER))["items"]
    assert len(levels) == 1 and levels[0]["compound_id"] == place["compound"]["id"]


def test_the_dashboard_counts_open_hazards_by_compound_severity_and_age(suite: Suite) -> None:
    client = suite.client
    old = (datetime.now(UTC) - timedelta(days=1, hours=1)).isoformat()
    made = found(
        suite,
        ("FIRE-01", "defect", {"answered_at": old}),
        ("FIRE-02", "defect", {}),
        ("ROAD-01", "defect", {}),
        ("ROAD-02", "ok", {}),
    )
    board = ok(client.get("/hazards/dashboard", headers=bearer("auditor")))
    assert board["total_open"] == 3 and board["total_overdue"] == 1
    cells = {(c["severity"], c["age"]): (c["open"], c["overdue"]) for c in board["cells"]}
    assert cells == {
        ("critical", "0-7"): (1, 1),
        ("major", "0-7"): (1, 0),
        ("minor", "0-7"): (1, 0),
    }
    assert {c["compound_id"] for c in board["cells"]} == {made["place"]["compound"]["id"]}
    other = ok(client.get(f"/hazards/dashboard?compound_id={uuid.uuid4()}", headers=OFFICER))
    assert other["cells"] == [] and other["total_open"] == 0


def test_the_escalation_worker_runs_what_the_endpoint_runs(suite: Suite) -> None:
    from services.facilities.hazards.worker import escalate_once

    long_ago = (datetime.now(UTC) - timedelta(days=2, hours=1)).isoformat()
    found(suite, ("FIRE-01", "defect", {"answered_at": long_ago}))
    escalate_once(suite.app.state.platform)
    escalate_once(suite.app.state.platform)
    report = ok(suite.client.get("/hazards/escalations", headers=OFFICER))["items"]
    assert sorted(e["level"] for e in report) == ["director", "unit"]
    assert ok(suite.client.post("/hazards/escalate", headers=OFFICER)) == {
        "to_unit": 0,
        "to_director": 0,
    }
