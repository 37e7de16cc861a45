"""Cumulative withholding across three approved months with a bracket crossing, and arrears
from a revised or late grade paid exactly once (event twice, run recomputed)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.finance.conftest import APPROVER, OFFICER, ok
from tests.finance.payroll_support import (
    FakePersonnel,
    Staff,
    approved,
    attach,
    computed,
    lines,
    open_books,
    plan,
    slips,
)
from tests.finance.standards_support import issue, issue_demo_set
from tests.support.tokens import bearer

PERSONNEL = bearer("service", sub="service:personnel")


def _set_of_2024() -> list[dict[str, Any]]:
    """The demo's standards from 2024, with a clerk's base pay of 20,000 at every step."""
    from services.finance.standards.demo import drafts

    chosen = {}
    for draft in drafts():
        kind = str(draft["kind"])
        if kind in chosen or kind.startswith("travel"):
            continue
        chosen[kind] = {**draft, "effective_from": "2024-01-01", "note": None}
    chosen["salary_scale"]["body"] = {"ranks": {"clerk": ["20000"] * 8}}
    return list(chosen.values())


def test_tax_by_cumulative_withholding_across_three_months(
    app: FastAPI, client: TestClient
) -> None:
    for draft in _set_of_2024():
        issue(client, draft)
    unit = open_books(client, 2024, 1, "TAX", "300000.00", "100000.00")
    line = ok(client.get("/appropriations?fiscal_year=2024", headers=OFFICER))["items"][0]
    for month in (2, 3):
        plan(client, line["id"], month, "100000.00")
    fake = FakePersonnel([Staff("T001", "高薪", uuid.UUID(unit), "clerk", date(2024, 1, 1))])
    attach(app, fake)
    # gross 20000 + 1300 + 2700 (ungraded) = 24000; contributions 26.5 % = 6360;
    # taxable 12640 a month: 379.20 (3 %), 758.40 − 379.20, then 37920 crosses 36000:
    # 37920 × 10 % − 2520 = 1272.00, less 758.40 withheld = 513.60
    expected = {1: ("379.20", "379.20"), 2: ("379.20", "758.40"), 3: ("513.60", "1272.00")}
    for month, (tax, ytd_tax) in expected.items():
        run = approved(client, 2024, month)
        slip = slips(client, run["id"])["T001"]
        assert (slip["gross"], slip["contributions"]) == ("24000.00", "6360.00")
        assert (slip["tax"], slip["ytd_tax"], slip["ytd_months"]) == (tax, ytd_tax, month)
    assert "at 10.00 %" in lines_trace(slip, "income_tax")


def lines_trace(slip: dict[str, Any], code: str) -> str:
    return str(next(line["trace"] for line in slip["lines"] if line["code"] == code))


def _event(kind: str, payload: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": kind,
        "source": "personnel",
        "occurred_at": "2026-04-02T08:00:00Z",
        "payload": payload,
    }


def _revised(s: Staff, grade: str, previous: str) -> dict[str, Any]:
    return {
        "cycle_id": str(s.cycle_id),
        "cycle_kind": "annual",
        "year": 2025,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "result_id": str(s.result_id),
        "staff_id": str(s.staff_id),
        "unit_id": str(s.unit_id),
        "grade": grade,
        "score": "93.50",
        "rank_in_unit": 1,
        "revision": s.revision,
        "previous_grade": previous,
        "previous_score": "85.00",
        "reason": "复核更正",
        "revised_at": "2026-04-02T08:00:00Z",
    }


def test_arrears_exactly_once(app: FastAPI, client: TestClient) -> None:
    issue_demo_set(client)
    unit = uuid.UUID(open_books(client, 2026, 3, "ARR", "300000.00", "100000.00"))
    line = ok(client.get("/appropriations?fiscal_year=2026", headers=OFFICER))["items"][0]
    for month in (4, 5):
        plan(client, line["id"], month, "100000.00")
    revised = Staff("A001", "复核", unit, "clerk", date(2021, 3, 1), grade="competent")
    late = Staff("A002", "迟定", unit, "clerk", date(2021, 3, 1))
    fake = FakePersonnel([revised, late])
    attach(app, fake)
    march = approved(client, 2026, 3)
    assert slips(client, march["id"])["A002"]["grade"] == "ungraded"

    # personnel revises A001 competent → excellent; the event comes twice, and once more
    # under a new id (the same revision): one adjustment of +600 (2600 − 2000)
    revised.grade, revised.revision = "excellent", 1
    sent = _event("grade.revised", _revised(revised, "excellent", "competent"))
    assert ok(client.post("/events", json=sent, headers=PERSONNEL))["duplicate"] is False
    assert ok(client.post("/events", json=sent, headers=PERSONNEL))["duplicate"] is True
    again = _event("grade.revised", _revised(revised, "excellent", "competent"))
    ok(client.post("/events", json=again, headers=PERSONNEL))
    # A002's 2025 grade is finalized late (competent): March paid ungraded, +200 owed
    late.grade = "competent"
    finalized = {
        "cycle_id": str(late.cycle_id),
        "cycle_kind": "annual",
        "year": 2025,
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "finalized_at": "2026-04-02T08:00:00Z",
        "grades": [
            {
                "result_id": str(late.result_id),
                "staff_id": str(late.staff_id),
                "unit_id": str(unit),
                "year": 2025,
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
                "grade": "competent",
                "score": "80.00",
                "rank_in_unit": 2,
                "revision": 0,
            }
        ],
    }
    ok(client.post("/events", json=_event("grade.finalized", finalized), headers=PERSONNEL))
    pending = ok(client.get("/pay-adjustments?pending=true", headers=OFFICER))["items"]
    assert sorted(a["amount"] for a in pending) == ["200.00", "600.00"]

    april = computed(client, 2026, 4)
    ok(client.post(f"/payroll-runs/{april['id']}/compute", headers=OFFICER))  # recomputed
    found = slips(client, april["id"])
    assert lines(found["A001"])["arrears"] == "600.00"
    assert lines(found["A001"])["performance"] == "2600.00", "April pays the revised grade"
    assert lines(found["A002"])["arrears"] == "200.00"
    arrears = [x for x in found["A001"]["lines"] if x["code"] == "arrears"]
    assert len(arrears) == 1 and "competent → excellent" in arrears[0]["trace"]
    ok(client.post(f"/payroll-runs/{april['id']}/approve", headers=APPROVER))
    assert ok(client.get("/pay-adjustments?pending=true", headers=OFFICER))["items"] == []
    may = slips(client, computed(client, 2026, 5)["id"])
    assert "arrears" not in lines(may["A001"]) and "arrears" not in lines(may["A002"])
    # a revision back to competent recovers what March's arrears and April paid over
    revised.grade, revised.revision = "competent", 2
    back = _event("grade.revised", _revised(revised, "competent", "excellent"))
    ok(client.post("/events", json=back, headers=PERSONNEL))
    owed = ok(client.get("/pay-adjustments?pending=true", headers=OFFICER))["items"]
    assert sorted((a["for_month"], a["amount"]) for a in owed) == [(3, "-600.00"), (4, "-600.00")]
    assert all("recovery" in a["reason"] for a in owed)
    # A002's late grade is revised competent → excellent: March (paid ungraded, then +200)
    # and April (paid competent) are each owed 600, the revision's event heard twice
    late.grade, late.revision = "excellent", 1
    late_revised = _event("grade.revised", _revised(late, "excellent", "competent"))
    ok(client.post("/events", json=late_revised, headers=PERSONNEL))
    late_revised["id"] = str(uuid.uuid4())
    ok(client.post("/events", json=late_revised, headers=PERSONNEL))
    owed = ok(client.get("/pay-adjustments?pending=true", headers=OFFICER))["items"]
    of_late = [a for a in owed if a["staff_id"] == str(late.staff_id)]
    assert sorted((a["for_month"], a["amount"]) for a in of_late) == [(3, "600.00"), (4, "600.00")]
    # the finalization heard again, late, after its revision: nothing more
    ok(client.post("/events", json=_event("grade.finalized", finalized), headers=PERSONNEL))
    assert ok(client.get("/pay-adjustments?pending=true", headers=OFFICER))["items"] == owed


def test_grade_events_only_from_personnel(client: TestClient) -> None:
    sent = _event("grade.revised", {})
    sent["source"] = "assets"
    refused = client.post("/events", json=sent, headers=bearer("service", sub="service:assets"))
    assert refused.status_code == 403 and refused.json()["code"] == "NOT_A_GRADE_SOURCE"
