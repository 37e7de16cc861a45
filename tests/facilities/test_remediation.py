"""Remediation plans: phases across budget years, hazards in phases, progress, and the budget
lines' availability read from a real finance app in-process (unknown while it is down)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.facilities.clients.finance import FinanceClient
from tests.facilities.conftest import OFFICER, Link, Suite, ok
from tests.facilities.support import (
    INSPECTOR,
    SECOND_INSPECTOR,
    answer,
    found,
    items_of,
    plan_round,
    post,
)
from tests.finance.conftest import finance_app, make_line, make_unit
from tests.support.databases import Databases
from tests.support.tokens import StaticToken, bearer


@pytest.fixture
def finance(suite: Suite, databases: Databases) -> Iterator[tuple[TestClient, Link]]:
    app = finance_app(databases)
    link = Link(app)
    http = httpx.AsyncClient(transport=link)
    client = FinanceClient("finance", "http://finance", http, StaticToken("service"), retries=0)
    suite.app.state.peers["finance"] = client
    with TestClient(app) as books:
        yield books, link
    app.state.treasury_client.close()
    app.state.engine.dispose()


def _plan(client: TestClient, compound_id: str | None, line_id: str | None = None) -> Any:
    phases = [
        {
            "title": "Fire first",
            "budget_year": 2026,
            "estimated_cost": "120000.00",
            "budget_line_id": line_id,
        },
        {"title": "Roads", "budget_year": 2027, "estimated_cost": "800000.00"},
        {"title": "Greening", "budget_year": 2028, "estimated_cost": "50000.50"},
    ]
    body = {"title": "Compound C1, 2026–2028", "compound_id": compound_id, "phases": phases}
    return client.post("/remediation-plans", json=body, headers=OFFICER)


def test_a_plan_groups_hazards_in_phases_and_reports_progress(suite: Suite) -> None:
    client = suite.client
    made = found(
        suite, ("FIRE-01", "defect", {}), ("FIRE-02", "defect", {}), ("ROAD-01", "defect", {})
    )
    plan = ok(_plan(client, made["place"]["compound"]["id"]), 201)
    assert [p["number"] for p in plan["phases"]] == [1, 2, 3]
    assert plan["estimated_cost"] == "970000.50" and plan["progress"] == "0.0"
    ids = {h["item_code"]: h["id"] for h in made["hazards"]}
    path = f"/remediation-plans/{plan['id']}/phases"
    ok(
        client.post(
            f"{path}/1/hazards",
            json={"hazard_ids": [ids["FIRE-01"], ids["FIRE-02"]]},
            headers=OFFICER,
        )
    )
    again = ok(
        client.post(f"{path}/1/hazards", json={"hazard_ids": [ids["FIRE-01"]]}, headers=OFFICER)
    )
    assert again["hazards"] == 2
    taken = client.post(f"{path}/2/hazards", json={"hazard_ids": [ids["FIRE-01"]]}, headers=OFFICER)
    assert taken.status_code == 409 and taken.json()["code"] == "HAZARD_PLANNED"
    unknown = client.post(
        f"{path}/2/hazards", json={"hazard_ids": [str(uuid.uuid4())]}, headers=OFFICER
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "UNKNOWN_HAZARD"
    ok(client.post(f"{path}/2/hazards", json={"hazard_ids": [ids["ROAD-01"]]}, headers=OFFICER))
    # close FIRE-01 and FIRE-02 through a passing re-inspection

    for code in ("FIRE-01", "FIRE-02"):
        hid = ids[code]
        ok(
            client.post(
                f"/hazards/{hid}/assign",
                json={"unit_id": str(uuid.uuid4()), "staff_id": INSPECTOR},
                headers=OFFICER,
            )
        )
        ok(
            client.post(
                f"/hazards/{hid}/fix", json={"fixer_id": INSPECTOR, "note": "done"}, headers=OFFICER
            )
        )
    round_ = plan_round(client, made["place"]["compound"]["id"])
    items = items_of(client, round_)
    now = datetime.now(UTC).isoformat()
    ok(
        post(
            client,
            round_["id"],
            [
                answer(items[c], inspector_id=SECOND_INSPECTOR, answered_at=now)
                for c in ("FIRE-01", "FIRE-02")
            ],
        )
    )
    for code in ("FIRE-01", "FIRE-02"):
        ok(
            client.post(
                f"/hazards/{ids[code]}/close", json={"round_id": round_["id"]}, headers=OFFICER
            )
        )
    report = ok(client.get(f"/remediation-plans/{plan['id']}", headers=bearer("director")))
    assert (report["hazards"], report["closed"], report["progress"]) == (3, 2, "66.7")
    assert report["cost_done"] == "120000.00"
    assert [(p["hazards"], p["closed"]) for p in report["phases"]] == [(2, 2), (1, 0), (0, 0)]


def test_plans_refuse_what_does_not_fit(suite: Suite) -> None:
    client = suite.client
    made = found(suite, ("FIRE-01", "defect", {}))
    body = {
        "title": "Backwards",
        "phases": [
            {"title": "a", "budget_year": 2028, "estimated_cost": "1.00"},
            {"title": "b", "budget_year": 2027, "estimated_cost": "1.00"},
        ],
    }
    backwards = client.post("/remediation-plans", json=body, headers=OFFICER)
    assert backwards.status_code == 422 and backwards.json()["code"] == "PHASES_OUT_OF_ORDER"
    other = ok(_plan(client, str(uuid.uuid4())), 201)
    elsewhere = client.post(
        f"/remediation-plans/{other['id']}/phases/1/hazards",
        json={"hazard_ids": [made["hazards"][0]["id"]]},
        headers=OFFICER,
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["code"] == "HAZARD_ELSEWHERE"
    assert ok(client.get(f"/remediation-plans/{other['id']}", headers=OFFICER))["hazards"] == 0
    assert ok(client.get("/remediation-plans", headers=OFFICER))["total"] == 1


def test_budget_lines_are_read_from_finance_and_unknown_while_it_is_down(
    suite: Suite, finance: tuple[TestClient, Link]
) -> None:
    books, link = finance
    unit = make_unit(books)
    line = make_line(books, unit["id"], "150000.00")
    plan = ok(_plan(suite.client, None, line["id"]), 201)
    budget = ok(suite.client.get(f"/remediation-plans/{plan['id']}/budget", headers=OFFICER))
    first, second, _ = budget["phases"]
    assert first["status"] == "known" and first["available"] == "150000.00"
    assert first["shortfall"] == "-30000.00"
    assert second["status"] == "no_line" and second["available"] is None
    missing = ok(_plan(suite.client, None, str(uuid.uuid4())), 201)
    unknown = ok(suite.client.get(f"/remediation-plans/{missing['id']}/budget", headers=OFFICER))
    assert unknown["phases"][0]["status"] == "unknown_line"
    link.down = True
    down = ok(suite.client.get(f"/remediation-plans/{plan['id']}/budget", headers=OFFICER))
    assert down["phases"][0]["status"] == "finance_unavailable"
    assert down["phases"][0]["available"] is None and down["phases"][0]["shortfall"] is None
    # finance's books were only read
    assert ok(books.get(f"/appropriations/{line['id']}", headers=bearer("auditor")))["version"] == 1


def test_without_finance_configured_the_budget_is_unknown(suite: Suite) -> None:
    plan = ok(_plan(suite.client, None, str(uuid.uuid4())), 201)
    budget = ok(suite.client.get(f"/remediation-plans/{plan['id']}/budget", headers=OFFICER))
    assert budget["phases"][0]["status"] == "finance_unavailable"
