"""A computed run is approved only as computed from what still holds: a grade revised after it
was computed sends it back to draft, months are approved in order, and an earlier month or a
(backdated) standard approved since it was computed make it stale; computed again, it is
approved, and nothing is lost from the year so far or owed twice."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.finance.standards.demo import drafts
from tests.finance.conftest import APPROVER, AUDITOR, OFFICER, ok, ok_list
from tests.finance.payroll_support import (
    FakePersonnel,
    Staff,
    approved,
    attach,
    computed,
    lines,
    new_run,
    open_books,
    plan,
    slips,
)
from tests.finance.standards_support import issue, issue_demo_set
from tests.finance.test_payroll_tax_arrears import PERSONNEL, _event, _revised


def books(app: FastAPI, client: TestClient, *people: Staff) -> None:
    """Standards, one unit's 301 line planned for March to May, and ``people`` in personnel."""
    issue_demo_set(client)
    line = ok(client.get("/appropriations?fiscal_year=2026", headers=OFFICER))["items"][0]
    for month in (4, 5):
        plan(client, line["id"], month, "100000.00")
    attach(app, FakePersonnel(list(people)))


def unit_of(client: TestClient) -> uuid.UUID:
    return uuid.UUID(open_books(client, 2026, 3, "STL", "1200000.00", "100000.00"))


def approve(client: TestClient, run: dict[str, Any]) -> Any:
    return client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER)


def recompute(client: TestClient, run: dict[str, Any]) -> dict[str, Any]:
    return ok(client.post(f"/payroll-runs/{run['id']}/compute", headers=OFFICER))


def refused(response: Any, code: str) -> None:
    assert (response.status_code, response.json()["code"]) == (409, code), response.text


def test_a_grade_revised_after_the_run_was_computed_sends_it_back(
    app: FastAPI, client: TestClient
) -> None:
    unit = unit_of(client)
    person = Staff("A001", "复核", unit, "clerk", date(2021, 3, 1), grade="competent")
    bystander = Staff("A002", "旁人", unit, "clerk", date(2021, 3, 1), grade="competent")
    books(app, client, person, bystander)
    approved(client, 2026, 3)
    april = computed(client, 2026, 4)
    person.grade, person.revision = "excellent", 1
    event = _event("grade.revised", _revised(person, "excellent", "competent"))
    ok(client.post("/events", json=event, headers=PERSONNEL))
    ok(client.post("/events", json=event, headers=PERSONNEL))  # heard twice
    back = ok(client.get(f"/payroll-runs/{april['id']}", headers=OFFICER))
    assert back["status"] == "draft" and back["version"] == april["version"] + 1
    audit = ok_list(client.get("/audit?action=payroll_run.stale", headers=AUDITOR))
    assert len(audit) == 1 and "competent → excellent" in audit[0]["after"]["reason"]
    refused(approve(client, april), "STALE_RUN")
    april = recompute(client, april)
    assert ok(approve(client, april))["status"] == "approved"
    slip = slips(client, april["id"])["A001"]
    assert (slip["grade"], lines(slip)["performance"]) == ("excellent", "2600.00")
    owed = ok_list(client.get(f"/pay-adjustments?staff_id={person.staff_id}", headers=OFFICER))
    assert [(a["for_month"], a["amount"]) for a in owed] == [(3, "600.00")]  # March only


def test_a_grade_a_computed_run_already_used_changes_nothing(
    app: FastAPI, client: TestClient
) -> None:
    unit = unit_of(client)
    person = Staff("A001", "复核", unit, "clerk", date(2021, 3, 1), grade="excellent")
    books(app, client, person)
    march = computed(client, 2026, 3)
    person.revision = 1  # personnel already gave finance the revised grade when it computed
    event = _event("grade.revised", _revised(person, "excellent", "competent"))
    ok(client.post("/events", json=event, headers=PERSONNEL))
    assert ok(approve(client, march))["status"] == "approved"


def test_months_are_approved_in_order_and_the_year_so_far_is_kept(
    app: FastAPI, client: TestClient
) -> None:
    unit = unit_of(client)
    books(app, client, Staff("S001", "p1", unit, "clerk", date(2021, 3, 1), grade="excellent"))
    april = computed(client, 2026, 4)  # a preview while March waits
    march = computed(client, 2026, 3)
    refused(approve(client, april), "EARLIER_MONTH_PENDING")
    ok(approve(client, march))
    stale = approve(client, april)  # computed before March was approved
    refused(stale, "STALE_RUN")
    assert "2026-03" in stale.json()["detail"]
    april = recompute(client, april)
    ok(approve(client, april))
    may = approved(client, 2026, 5)
    chain = [slips(client, r["id"])["S001"]["ytd_months"] for r in (march, april, may)]
    assert chain == [1, 2, 3]


def test_a_backdated_standard_approved_since_the_computation_makes_it_stale(
    app: FastAPI, client: TestClient
) -> None:
    unit = unit_of(client)
    books(app, client, Staff("A001", "p", unit, "clerk", date(2021, 3, 1), grade="competent"))
    run = computed(client, 2026, 3)
    scale = {"ranks": {"clerk": ["9999"] * 8, "bureau_chief": ["9999"] * 8}}
    issued = issue(client, {"kind": "salary_scale", "effective_from": "2026-03-01", "body": scale})
    stale = approve(client, run)
    refused(stale, "STALE_RUN")
    assert f"salary_scale v{issued['version']}" in stale.json()["detail"]
    run = recompute(client, run)
    ok(approve(client, run))
    slip = slips(client, run["id"])["A001"]
    base = next(line for line in slip["lines"] if line["code"] == "base")
    assert (base["amount"], base["standard_version"]) == ("9999.00", issued["version"])


def test_a_travel_standard_or_one_from_later_in_the_month_changes_nothing(
    app: FastAPI, client: TestClient
) -> None:
    unit = unit_of(client)
    books(app, client, Staff("A001", "p", unit, "clerk", date(2021, 3, 1), grade="competent"))
    run = computed(client, 2026, 3)
    travel = next(d for d in drafts() if str(d["kind"]).startswith("travel"))
    issue(client, {**travel, "effective_from": "2026-03-01"})
    scale = {"ranks": {"clerk": ["9999"] * 8, "bureau_chief": ["9999"] * 8}}
    issue(client, {"kind": "salary_scale", "effective_from": "2026-03-15", "body": scale})
    assert ok(approve(client, run))["status"] == "approved"  # March computes on the 1st


def test_a_run_of_other_people_does_not_hold_a_month_back(app: FastAPI, client: TestClient) -> None:
    unit = unit_of(client)
    books(app, client, Staff("S001", "p1", unit, "clerk", date(2021, 3, 1), grade="excellent"))
    other = uuid.UUID(open_books(client, 2026, 3, "OTH", "300000.00"))
    april = computed(client, 2026, 4)
    march_elsewhere = new_run(client, 2026, 3, unit_ids=[str(other)])  # pays nobody of April's
    ok(client.post(f"/payroll-runs/{march_elsewhere['id']}/compute", headers=OFFICER))
    assert ok(approve(client, april))["status"] == "approved"
