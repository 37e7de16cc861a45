"""Preventive plans: recurrence as data, and occurrences raised exactly once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from shared.types import today
from tests.facilities.upkeep_support import AUDITOR, DIRECTOR, OFFICER, ok, plan, refused
from tests.support.tokens import bearer

pytestmark = pytest.mark.usefixtures("known_places")


def _generate(client: TestClient, until: str) -> dict[str, int]:
    return ok(client.post("/preventive-plans/generate", params={"until": until}, headers=OFFICER))


def _due(client: TestClient, plan_id: str) -> list[str]:
    items = ok(client.get("/work-orders", params={"plan_id": plan_id, "limit": 200},
                          headers=OFFICER))["items"]  # fmt: skip
    return sorted(i["due_on"] for i in items)


def test_occurrences_are_raised_once_even_when_the_generator_runs_twice(
    client: TestClient,
) -> None:
    p = plan(client)  # monthly from 2026-01-15, raised 7 days ahead
    first = _generate(client, "2026-03-07")
    assert (first["created"], first["existing"], first["plans"]) == (2, 0, 1)
    assert _due(client, p["id"]) == ["2026-01-15", "2026-02-15"]
    second = _generate(client, "2026-03-07")
    assert (second["created"], second["existing"]) == (0, 2)
    # the next one is raised seven days ahead of 2026-03-15
    assert _generate(client, "2026-03-07")["created"] == 0
    assert _generate(client, "2026-03-08")["created"] == 1
    orders = ok(client.get("/work-orders", params={"plan_id": p["id"]}, headers=OFFICER))
    sample = orders["items"][0]
    assert (sample["source"], sample["status"], sample["building_id"]) == (
        "preventive", "triaged", p["building_id"]
    )  # fmt: skip
    assert sample["resolution_due_at"] >= sample["due_on"]


def test_a_late_run_catches_up_every_missed_occurrence(client: TestClient) -> None:
    weekly = plan(client, "PUMP-TEST", title="Fire pump test", interval_months=0,
                  interval_weeks=1, anchor_on="2026-06-01", lead_days=0)  # fmt: skip
    yearly = plan(client, "BOILER", title="Boiler service before heating", interval_months=12,
                  anchor_on="2024-10-01", lead_days=30)  # fmt: skip
    receipt = _generate(client, "2026-06-29")
    assert _due(client, weekly["id"]) == [f"2026-06-{d:02d}" for d in (1, 8, 15, 22, 29)]
    assert _due(client, yearly["id"]) == ["2024-10-01", "2025-10-01"]
    assert receipt["created"] == 7
    # nine Mondays from 6 Jul to 31 Aug, and the boiler of 1 Oct 2026, raised 30 days ahead
    assert _generate(client, "2026-09-01")["created"] == 9 + 1
    assert _due(client, yearly["id"])[-1] == "2026-10-01"


def test_month_ends_and_inactive_plans(client: TestClient) -> None:
    p = plan(client, "LIFT-02", anchor_on="2026-01-31", lead_days=0)
    _generate(client, "2026-04-30")
    assert _due(client, p["id"]) == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]
    url = f"/preventive-plans/{p['id']}"
    ok(client.patch(url, json={"active": False}, headers={**OFFICER, "If-Match": '"1"'}))
    assert _generate(client, "2026-06-30") == {"until": "2026-06-30", "plans": 0, "created": 0,
                                               "existing": 0}  # fmt: skip


def test_the_generator_is_callable_outside_a_request(client: TestClient, engine: Engine) -> None:
    from services.facilities.preventive import generate
    from shared.audit import AuditLog
    from shared.tables import platform_tables

    plan(client, "LIFT-03", anchor_on="2026-02-01")
    audit = AuditLog(platform_tables("facilities").audit)
    for _ in range(2):
        with Session(engine) as session:
            made = generate.run(session, audit, until=date(2026, 3, 1))
            session.commit()
    assert (made.created, made.existing) == (0, 2)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"interval_months": 0}, "RECURRENCE_INVALID"),
        ({"interval_months": 1, "interval_weeks": 2}, "RECURRENCE_INVALID"),
        ({"interval_weeks": 1, "anchor_on": "2015-01-01"}, "ANCHOR_TOO_EARLY"),
        ({"interval_weeks": 1, "anchor_on": "0001-01-01"}, "DATE_OUT_OF_RANGE"),
        ({"interval_weeks": 1, "anchor_on": "9999-12-31"}, "DATE_OUT_OF_RANGE"),
    ],
)
def test_a_plan_recurs_by_months_or_weeks(
    client: TestClient, fields: dict[str, int], code: str
) -> None:
    data = {"code": "X-1", "title": "x", "anchor_on": "2026-01-01", **fields}
    refused(client.post("/preventive-plans", json=data, headers=OFFICER), 422, code)
    assert ok(client.get("/preventive-plans", headers=AUDITOR))["total"] == 0


def test_codes_are_unique_corrections_checked_and_until_bounded(client: TestClient) -> None:
    p = plan(client)
    again = {"code": "LIFT-01", "title": "x", "interval_weeks": 1, "anchor_on": "2026-01-01"}
    refused(client.post("/preventive-plans", json=again, headers=OFFICER), 409, "CODE_TAKEN")
    url = f"/preventive-plans/{p['id']}"
    refused(client.patch(url, json={"interval_weeks": 2}, headers=OFFICER), 422,
            "RECURRENCE_INVALID")  # fmt: skip
    assert ok(client.get(url, headers=DIRECTOR))["version"] == 1
    far = (today() + timedelta(days=800)).isoformat()
    refused(client.post("/preventive-plans/generate", params={"until": far}, headers=OFFICER),
            422, "UNTIL_TOO_FAR")  # fmt: skip
    assert ok(client.get("/work-orders", headers=OFFICER))["total"] == 0


ID = "00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("method", "path", "roles"),
    [
        ("GET", "/preventive-plans", ("unit_liaison", "staff", "guard")),
        ("POST", "/preventive-plans", ("security_officer", "director", "auditor")),
        ("POST", "/preventive-plans/generate", ("security_officer", "director", "staff")),
        ("GET", f"/preventive-plans/{ID}", ("unit_liaison", "staff")),
        ("PATCH", f"/preventive-plans/{ID}", ("security_officer", "director", "unit_liaison")),
    ],
)
def test_roles_are_refused_and_anonymous_callers_too(
    client: TestClient, method: str, path: str, roles: tuple[str, ...]
) -> None:
    plan(client)
    for role in roles:
        answer = client.request(
            method, path, json={}, headers=bearer(role, unit_id=ID, staff_id=ID)
        )
        assert answer.status_code == 403, (role, answer.text)
    assert client.request(method, path, json={}).status_code == 401
    assert ok(client.get("/work-orders", headers=OFFICER))["total"] == 0
