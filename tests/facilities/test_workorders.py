"""Work orders: raising, the state machine and its refusals, costs, scope, roles."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from shared.types import today
from tests.facilities.upkeep_support import (
    AUDITOR,
    DIRECTOR,
    LIAISON,
    OFFICER,
    OTHER_BUILDING,
    OTHER_LIAISON,
    OTHER_STAFF,
    OTHER_UNIT,
    SECOND,
    SECURITY,
    STAFF,
    STAFF_ID,
    UNIT,
    WORKER,
    ok,
    order,
    refused,
    step,
    to_status,
)
from tests.support.tokens import bearer

pytestmark = pytest.mark.usefixtures("known_places")


def test_an_order_walks_from_request_to_verification_with_each_step_kept(
    client: TestClient,
) -> None:
    o = order(client, LIAISON)
    assert (o["status"], o["unit_id"], o["priority"]) == ("requested", str(UNIT), "normal")
    o = to_status(client, o, "verified")
    for stamp in ("triaged_at", "assigned_at", "started_at", "done_at", "verified_at"):
        assert o[stamp] is not None
    assert (o["done_by"], o["verified_by"], o["assignee"]) == ("worker-one", "fo-two", "worker-one")
    history = ok(client.get(f"/work-orders/{o['id']}/history", headers=AUDITOR))["items"]
    assert [h["to_status"] for h in history] == [
        "requested", "triaged", "assigned", "in_progress", "done", "verified"
    ]  # fmt: skip
    assert history[4]["note"] == "washer replaced"
    audit = ok(client.get("/audit", params={"resource_id": o["id"]}, headers=AUDITOR))["items"]
    actions = {a["action"] for a in audit}
    assert {"work_order.create", "work_order.triaged", "work_order.verified"} <= actions


@pytest.mark.parametrize(
    ("status", "name", "body", "code"),
    [
        ("requested", "assign", {"assignee": "x"}, "INVALID_TRANSITION"),
        ("requested", "start", {}, "INVALID_TRANSITION"),
        ("triaged", "complete", {}, "INVALID_TRANSITION"),
        ("assigned", "verify", {}, "INVALID_TRANSITION"),
        ("in_progress", "triage", {"priority": "low"}, "INVALID_TRANSITION"),
        ("in_progress", "cancel", {"reason": "no"}, "NOT_CANCELLABLE"),
        ("done", "cancel", {"reason": "no"}, "NOT_CANCELLABLE"),
        ("verified", "complete", {}, "INVALID_TRANSITION"),
    ],
)
def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(
    client: TestClient, status: str, name: str, body: dict[str, str], code: str
) -> None:
    o = to_status(client, order(client), status)
    headers = DIRECTOR if name == "verify" else OFFICER
    refused(client.post(f"/work-orders/{o['id']}/{name}", json=body, headers=headers), 409, code)
    again = ok(client.get(f"/work-orders/{o['id']}", headers=OFFICER))
    assert (again["status"], again["version"]) == (status, o["version"])


def test_whoever_did_the_work_or_was_assigned_it_cannot_verify_it(client: TestClient) -> None:
    o = to_status(client, order(client), "assigned")
    o = step(client, o, "start", SECOND)
    o = step(client, o, "complete", SECOND)  # done by fo-two, assigned to worker-one
    for headers in (SECOND, WORKER):
        refused(client.post(f"/work-orders/{o['id']}/verify", json={}, headers=headers), 403,
                "SELF_VERIFICATION")  # fmt: skip
    assert ok(client.get(f"/work-orders/{o['id']}", headers=OFFICER))["status"] == "done"
    assert step(client, o, "verify", DIRECTOR)["verified_by"] == "director-one"


def test_cancel_before_the_work_starts_and_reassign_an_assigned_order(client: TestClient) -> None:
    o = to_status(client, order(client), "assigned")
    o = step(client, o, "assign", assignee="worker-two")
    assert o["assignee"] == "worker-two"
    o = step(client, o, "cancel", reason="Duplicate of another request")
    assert (o["status"], o["cancelled_at"] is not None) == ("cancelled", True)
    history = ok(client.get(f"/work-orders/{o['id']}/history", headers=OFFICER))["items"]
    assert history[-1]["note"] == "Duplicate of another request"


def test_a_step_with_a_stale_if_match_is_412(client: TestClient) -> None:
    o = order(client)
    url = f"/work-orders/{o['id']}/triage"
    stale = client.post(url, json={"priority": "low"}, headers={**OFFICER, "If-Match": '"7"'})
    assert stale.status_code == 412
    fresh = client.post(url, json={"priority": "low"}, headers={**OFFICER, "If-Match": '"1"'})
    assert ok(fresh)["priority"] == "low"


def test_triage_to_another_priority_resets_the_clocks_from_the_request(
    client: TestClient,
) -> None:
    o = order(client, priority="low")
    t = step(client, o, "triage", priority="urgent")
    asked = t["requested_at"]
    from datetime import datetime

    def hours(field: str) -> float:
        return (
            datetime.fromisoformat(t[field]) - datetime.fromisoformat(asked)
        ).total_seconds() / 3600

    assert (hours("response_due_at"), hours("resolution_due_at")) == (2, 24)


def test_a_correction_is_refused_once_the_work_is_done(client: TestClient) -> None:
    o = order(client)
    url = f"/work-orders/{o['id']}"
    changed = ok(client.patch(url, json={"title": "Burst pipe", "room_id": None}, headers=OFFICER))
    assert (changed["title"], changed["room_id"], changed["version"]) == ("Burst pipe", None, 2)
    refused(client.patch(url, json={"title": None}, headers=OFFICER), 422, "VALIDATION_FAILED")
    done = to_status(client, changed, "done")
    refused(client.patch(url, json={"title": "x"}, headers=OFFICER), 409, "ORDER_CLOSED")
    assert ok(client.get(url, headers=OFFICER))["version"] == done["version"]


def test_sources_are_checked(client: TestClient) -> None:
    hazard = str(uuid.uuid4())
    h = order(client, source="hazard", hazard_id=hazard, priority="urgent")
    assert (h["source"], h["hazard_id"]) == ("hazard", hazard)
    for data in ({"source": "hazard"}, {"hazard_id": hazard}):
        refused(client.post("/work-orders", json={"title": "x", **data}, headers=OFFICER),
                422, "SOURCE_MISMATCH")  # fmt: skip
    refused(client.post("/work-orders", json={"title": "x", "source": "hazard",
                                              "hazard_id": hazard}, headers=LIAISON),
            403, "OFFICERS_ONLY")  # fmt: skip
    bad = client.post("/work-orders", json={"title": "x", "source": "preventive"}, headers=OFFICER)
    assert bad.status_code == 422
    assert ok(client.get("/work-orders", headers=AUDITOR))["total"] == 1


def test_labour_and_materials_make_the_total_cost(client: TestClient) -> None:
    o = order(client)
    base = f"/work-orders/{o['id']}"
    labour = {"worker": "Li Ming", "worked_on": today().isoformat(), "hours": "2.50",
              "rate": "80.00"}  # fmt: skip
    refused(client.post(f"{base}/labour", json=labour, headers=OFFICER), 409, "NOT_IN_WORK")
    to_status(client, o, "in_progress")
    assert ok(client.post(f"{base}/labour", json=labour, headers=OFFICER), 201)["cost"] == "200.00"
    material = {"item": "Tap washer", "quantity": "3", "unit_cost": "1.35"}
    assert (
        ok(client.post(f"{base}/materials", json=material, headers=OFFICER), 201)["cost"] == "4.05"
    )
    future = {**labour, "worked_on": (today() + timedelta(days=2)).isoformat()}
    refused(client.post(f"{base}/labour", json=future, headers=OFFICER), 422, "FUTURE_DATE")
    for bad in ({**material, "quantity": "0"}, {**material, "unit_cost": "1.001"}):
        assert client.post(f"{base}/materials", json=bad, headers=OFFICER).status_code == 422
    costs = ok(client.get(f"{base}/costs", headers=DIRECTOR))
    assert (costs["labour_cost"], costs["material_cost"], costs["total_cost"]) == (
        "200.00", "4.05", "204.05"
    )  # fmt: skip
    assert (len(costs["labour"]), len(costs["materials"])) == (1, 1)
    assert ok(client.get(base, headers=OFFICER))["total_cost"] == "204.05"


def test_a_liaison_sees_its_units_orders_and_staff_their_own(client: TestClient) -> None:
    mine = order(client, LIAISON)
    theirs = order(client, OTHER_LIAISON)
    own = order(client, STAFF)
    assert (own["requester_staff_id"], own["unit_id"]) == (str(STAFF_ID), str(UNIT))
    stranger = order(client, OTHER_STAFF)
    officers = order(client, SECURITY, unit_id=str(OTHER_UNIT))

    def ids(headers: dict[str, str], **params: str) -> set[str]:
        items = ok(client.get("/work-orders", params=params, headers=headers))["items"]
        return {i["id"] for i in items}

    assert ids(LIAISON) == {mine["id"], own["id"]}
    assert ids(OTHER_LIAISON) == {theirs["id"], officers["id"]}
    assert ids(OTHER_STAFF) == {stranger["id"]}
    assert len(ids(AUDITOR)) == 5
    assert ids(OFFICER, unit_id=str(OTHER_UNIT)) == {theirs["id"], officers["id"]}
    refused(client.get("/work-orders", params={"unit_id": str(OTHER_UNIT)}, headers=LIAISON),
            403, "OUTSIDE_OWN_UNIT")  # fmt: skip
    refused(client.get(f"/work-orders/{theirs['id']}", headers=LIAISON), 403, "OUTSIDE_OWN_UNIT")
    refused(client.get(f"/work-orders/{own['id']}", headers=OTHER_STAFF), 403,
            "OUTSIDE_OWN_RECORDS")  # fmt: skip
    refused(client.get(f"/work-orders/{own['id']}/costs", headers=OTHER_STAFF), 403,
            "OUTSIDE_OWN_RECORDS")  # fmt: skip
    assert ok(client.get(f"/work-orders/{own['id']}/history", headers=STAFF))["total"] == 1
    refused(client.post("/work-orders", json={"title": "x", "unit_id": str(OTHER_UNIT)},
                        headers=LIAISON), 403, "OUTSIDE_OWN_UNIT")  # fmt: skip
    refused(client.post("/work-orders", json={"title": "x", "unit_id": str(OTHER_UNIT)},
                        headers=STAFF), 403, "OUTSIDE_OWN_UNIT")  # fmt: skip
    assert len(ids(AUDITOR)) == 5


def test_lists_filter_by_status_priority_and_building(client: TestClient) -> None:
    a = order(client, priority="urgent")
    b = to_status(client, order(client, building_id=str(OTHER_BUILDING), room_id=None), "triaged")
    total = ok(client.get("/work-orders", params={"status": "triaged"}, headers=OFFICER))
    assert [i["id"] for i in total["items"]] == [b["id"]]
    urgent = ok(client.get("/work-orders", params={"priority": "urgent"}, headers=OFFICER))
    assert [i["id"] for i in urgent["items"]] == [a["id"]]
    place = ok(
        client.get("/work-orders", params={"building_id": a["building_id"]}, headers=OFFICER)
    )
    assert [i["id"] for i in place["items"]] == [a["id"]]
    page = ok(client.get("/work-orders", params={"limit": 1}, headers=OFFICER))
    assert (page["total"], len(page["items"])) == (2, 1)


ID = "00000000-0000-4000-8000-000000000001"


@pytest.mark.parametrize(
    ("method", "path", "roles"),
    [
        ("GET", "/work-orders", ("finance_officer", "guard", "asset_officer")),
        ("POST", "/work-orders", ("director", "auditor", "guard", "service")),
        ("GET", "/work-orders/sla-report", ("unit_liaison", "staff", "guard")),
        ("GET", "/sla-policies", ("unit_liaison", "staff", "hr_officer")),
        ("PATCH", "/sla-policies/urgent", ("security_officer", "director", "unit_liaison")),
        ("GET", f"/work-orders/{ID}", ("guard", "finance_officer")),
        ("PATCH", f"/work-orders/{ID}", ("security_officer", "director", "unit_liaison")),
        ("GET", f"/work-orders/{ID}/history", ("guard", "hr_officer")),
        ("GET", f"/work-orders/{ID}/costs", ("guard", "finance_approver")),
        ("POST", f"/work-orders/{ID}/triage", ("security_officer", "director", "staff")),
        ("POST", f"/work-orders/{ID}/assign", ("security_officer", "auditor", "unit_liaison")),
        ("POST", f"/work-orders/{ID}/start", ("security_officer", "staff", "director")),
        ("POST", f"/work-orders/{ID}/complete", ("security_officer", "staff", "director")),
        ("POST", f"/work-orders/{ID}/verify", ("security_officer", "auditor", "staff")),
        ("POST", f"/work-orders/{ID}/cancel", ("security_officer", "unit_liaison", "staff")),
        ("POST", f"/work-orders/{ID}/labour", ("security_officer", "director", "staff")),
        ("POST", f"/work-orders/{ID}/materials", ("security_officer", "director", "staff")),
    ],
)
def test_roles_are_refused_and_anonymous_callers_too(
    client: TestClient, method: str, path: str, roles: tuple[str, ...]
) -> None:
    for role in roles:
        claims = {"unit_id": str(UNIT), "staff_id": str(STAFF_ID)}
        answer = client.request(method, path, json={}, headers=bearer(role, **claims))
        assert answer.status_code == 403, (role, answer.text)
    assert client.request(method, path, json={}).status_code == 401
    assert ok(client.get("/work-orders", headers=AUDITOR))["total"] == 0


def test_a_request_sent_again_with_its_key_is_raised_once(client: TestClient) -> None:
    body = {"title": "Window will not close", "building_id": str(OTHER_BUILDING)}
    headers = {**STAFF, "Idempotency-Key": "wo-retry-1"}
    first = ok(client.post("/work-orders", json=body, headers=headers), 201)
    again = ok(client.post("/work-orders", json=body, headers=headers), 201)
    assert again["id"] == first["id"]
    mine = ok(client.get("/work-orders", headers=STAFF))["items"]
    assert [o["id"] for o in mine if o["title"] == "Window will not close"] == [first["id"]]
