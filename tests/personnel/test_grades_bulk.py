"""``/grades/bulk``: each person's latest finalized grade of a kind of cycle that ended
before a day, in staff_no keyset slices (payroll reads it with its staff slices)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.personnel.appraisal_support import add_staff, advance, make_cycle, make_scheme, score
from tests.personnel.conftest import HR, make_unit
from tests.support.tokens import bearer

SERVICE = bearer("service", sub="service:finance")


def _finalized(
    client: TestClient, scheme: dict[str, Any], unit: str, staff: dict[str, str], year: int
) -> None:
    start, end = f"{year}-01-01", f"{year}-12-31"
    cycle = make_cycle(client, scheme["id"], [unit], start=start, end=end)
    for staff_id, value in staff.items():
        score(client, cycle["id"], staff_id, value)
    advance(client, cycle["id"], "submit", "review", "finalize")


def _bulk(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(
        "/grades/bulk", params={"cycle_kind": "annual", **params}, headers=SERVICE
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_latest_grade_per_person_in_slices(client: TestClient) -> None:
    unit = make_unit(client, "GRB")["id"]
    alice, bob, carol = (add_staff(client, unit, n) for n in ("Alice", "Bob", "Carol"))
    scheme = make_scheme(client, excellent_cap_percent="50")
    _finalized(client, scheme, unit, {alice: "95", bob: "80"}, 2024)
    _finalized(client, scheme, unit, {alice: "70", bob: "96"}, 2025)
    latest = _bulk(client, ended_before="2026-03-01")
    grades = {g["staff_id"]: (g["year"], g["grade"]) for g in latest["items"]}
    assert grades[alice][0] == 2025 and grades[bob] == (2025, "excellent")
    assert carol not in grades, "no finalized grade: not listed (payroll pays ungraded)"
    earlier = _bulk(client, ended_before="2025-06-01")
    assert {g["year"] for g in earlier["items"]} == {2024}
    first = _bulk(client, ended_before="2026-03-01", limit=1)
    assert len(first["items"]) == 1 and first["next_after"] == first["items"][0]["staff_no"]
    rest = _bulk(client, ended_before="2026-03-01", after=first["next_after"])
    assert rest["next_after"] is None
    assert len(first["items"]) + len(rest["items"]) == 2
    bounded = _bulk(client, ended_before="2026-03-01", through=first["items"][0]["staff_no"])
    assert bounded["items"] == first["items"]


def test_bulk_grades_roles(client: TestClient) -> None:
    params = {"cycle_kind": "annual", "ended_before": "2026-01-01"}
    for role in ("unit_liaison", "staff", "finance_officer"):
        refused = client.get("/grades/bulk", params=params, headers=bearer(role, sub="x"))
        assert refused.status_code == 403, role
    assert client.get("/grades/bulk", params=params).status_code == 401
    assert client.get("/grades/bulk", params=params, headers=HR).status_code == 200
