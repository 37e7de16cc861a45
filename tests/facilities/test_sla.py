"""SLA clocks: the policy as data, deadlines from it, and the breached/at-risk report."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.facilities.upkeep_support import (
    AUDITOR,
    DIRECTOR,
    OFFICER,
    backdate,
    ok,
    order,
    refused,
    step,
    to_status,
)

pytestmark = pytest.mark.usefixtures("known_places")


def _hours(o: dict[str, str], field: str) -> float:
    delta = datetime.fromisoformat(o[field]) - datetime.fromisoformat(o["requested_at"])
    return delta.total_seconds() / 3600


def test_the_seeded_policy_sets_the_deadlines_and_a_change_applies_to_new_orders(
    client: TestClient,
) -> None:
    policies = ok(client.get("/sla-policies", headers=DIRECTOR))["items"]
    assert [(p["priority"], p["response_hours"], p["resolution_hours"]) for p in policies] == [
        ("urgent", 2, 24), ("high", 8, 72), ("normal", 24, 240), ("low", 72, 720)
    ]  # fmt: skip
    before = order(client, priority="high")
    assert (_hours(before, "response_due_at"), _hours(before, "resolution_due_at")) == (8, 72)
    url = "/sla-policies/high"
    stale = client.patch(url, json={"response_hours": 4}, headers={**OFFICER, "If-Match": '"5"'})
    assert stale.status_code == 412
    changed = ok(client.patch(url, json={"response_hours": 4, "resolution_hours": 48},
                              headers={**OFFICER, "If-Match": '"1"'}))  # fmt: skip
    assert (changed["response_hours"], changed["version"]) == (4, 2)
    refused(client.patch(url, json={"response_hours": 49}, headers=OFFICER), 422,
            "CLOCKS_OUT_OF_ORDER")  # fmt: skip
    assert client.patch(url, json={"response_hours": 0}, headers=OFFICER).status_code == 422
    after = order(client, priority="high")
    assert (_hours(after, "response_due_at"), _hours(after, "resolution_due_at")) == (4, 48)
    again = ok(client.get(f"/work-orders/{before['id']}", headers=OFFICER))
    assert _hours(again, "response_due_at") == 8  # raised before: unchanged
    audit = ok(client.get("/audit", params={"action": "sla_policy.update"}, headers=AUDITOR))
    assert audit["total"] == 1


def test_the_report_shows_breached_and_at_risk_orders(client: TestClient, engine: Engine) -> None:
    fresh = order(client, title="Fresh", priority="normal")  # 24 h / 240 h: running
    late = order(client, title="Late", priority="urgent")  # 2 h / 24 h
    backdate(engine, late["id"], 3)  # response breached, resolution 21 h left: running
    risky = order(client, title="Risky", priority="urgent")
    backdate(engine, risky["id"], 20)  # response breached, resolution 4 h left (< 6 h): at risk
    met = to_status(client, order(client, title="Met"), "assigned")  # high: response met
    cancelled = order(client, title="Cancelled", priority="urgent")
    step(client, cancelled, "cancel", reason="Raised twice")
    backdate(engine, cancelled["id"], 30)
    report = ok(client.get("/work-orders/sla-report", headers=AUDITOR))
    rows = {r["title"]: (r["response"], r["resolution"]) for r in report["orders"]}
    assert rows == {"Risky": ("breached", "at_risk"), "Late": ("breached", "running")}
    assert [r["title"] for r in report["orders"]] == ["Risky", "Late"]  # oldest first
    urgent = next(t for t in report["totals"] if t["priority"] == "urgent")
    assert urgent == {"priority": "urgent", "open": 2, "response_breached": 2,
                      "resolution_breached": 0, "at_risk": 1}  # fmt: skip
    normal = next(t for t in report["totals"] if t["priority"] == "normal")
    assert (normal["open"], normal["at_risk"]) == (1, 0)
    assert fresh["id"] not in {r["work_order_id"] for r in report["orders"]}
    high = next(t for t in report["totals"] if t["priority"] == "high")
    assert (high["open"], high["response_breached"], met["priority"]) == (1, 0, "high")
    # a day later the urgent ones are past resolution too
    later = (datetime.fromisoformat(report["as_of"]) + timedelta(days=1)).isoformat()
    tomorrow = ok(client.get("/work-orders/sla-report", params={"as_of": later}, headers=AUDITOR))
    urgent = next(t for t in tomorrow["totals"] if t["priority"] == "urgent")
    assert urgent["resolution_breached"] == 2


def test_a_clock_stopped_late_stays_breached(client: TestClient, engine: Engine) -> None:
    o = order(client, title="Slow", priority="urgent")
    backdate(engine, o["id"], 25)
    o = step(client, o, "triage", priority="urgent")  # the same priority: clocks unchanged
    to_status(client, o, "done")
    report = ok(client.get("/work-orders/sla-report", headers=OFFICER))
    assert [(r["response"], r["resolution"]) for r in report["orders"]] == [
        ("breached", "breached")
    ]
    urgent = next(t for t in report["totals"] if t["priority"] == "urgent")
    assert urgent["open"] == 0
    for day in ("0001-01-01T00:00:00+00:00", "9999-12-31T23:00:00+00:00"):
        refused(client.get("/work-orders/sla-report", params={"as_of": day}, headers=OFFICER),
                422, "DATE_OUT_OF_RANGE")  # fmt: skip
