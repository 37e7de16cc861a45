"""Lease contracts: what may be let, by whom, the states and the overlap rule."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.assets.leases import decisions
from shared.db import for_writing, unit_of_work
from shared.problems import ProblemError
from shared.types import today
from tests.assets.conftest import OFFICER, room
from tests.assets.lease_support import (
    CENTRE,
    DIRECTOR,
    activate,
    active,
    draft,
    frontage,
    hold,
    invoices,
    lease_data,
)
from tests.support.tokens import bearer


def _total(client: TestClient) -> int:
    total: int = client.get("/leases", headers=OFFICER).json()["total"]
    return total


def test_a_draft_is_created_with_its_area_and_read_back(client: TestClient) -> None:
    f = frontage(client)
    lease = draft(client, f["shops"][:2])
    assert (lease["status"], lease["area_m2"], lease["monthly_rent"]) == (
        "draft",
        "80.00",
        "6400.00",
    )
    assert sorted(lease["room_ids"]) == sorted(r["id"] for r in f["shops"][:2])
    assert lease["revenue_unit_id"] is None and lease["occupied_to"] is None
    got = client.get(f"/leases/{lease['id']}", headers=bearer("auditor"))
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json() == lease
    assert invoices(client, lease["id"]) == []  # no schedule before activation


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"tenant_credit_code": "91320100MA1XY2W34"}, 422, "VALIDATION_FAILED"),
        ({"rent_per_m2": "0"}, 422, "VALIDATION_FAILED"),
        ({"rent_per_m2": "80.001"}, 422, "VALIDATION_FAILED"),
        ({"escalation_pct": "100"}, 422, "VALIDATION_FAILED"),
        ({"room_ids": []}, 422, "VALIDATION_FAILED"),
        ({"ends_on": "2026-01-14"}, 422, "TERM_ENDS_BEFORE_START"),
        ({"ends_on": "2046-01-15"}, 422, "TERM_TOO_LONG"),
        ({"room_ids": [str(uuid.uuid4())]}, 422, "UNKNOWN_ROOM"),
        ({"code": "L-TAKEN"}, 409, "LEASE_CODE_TAKEN"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    client: TestClient, change: dict[str, Any], status: int, code: str
) -> None:
    f = frontage(client)
    draft(client, f["shops"][2:], code="L-TAKEN")
    response = client.post(
        "/leases", json={**lease_data(f["shops"][:1]), **change}, headers=OFFICER
    )
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert _total(client) == 1


def test_a_room_named_twice_is_refused(client: TestClient) -> None:
    f = frontage(client)
    shop = f["shops"][0]
    response = client.post("/leases", json=lease_data([shop, shop]), headers=OFFICER)
    assert response.json()["code"] == "DUPLICATE_ROOM"


@pytest.mark.parametrize("kind", ["office", "storage"])
def test_non_operating_space_cannot_be_let(client: TestClient, kind: str) -> None:
    f = frontage(client)
    response = client.post("/leases", json=lease_data([f["shops"][0], f[kind]]), headers=OFFICER)
    assert response.status_code == 409
    assert response.json()["code"] == "NON_OPERATING_ASSET"
    assert _total(client) == 0


def test_space_nobody_may_operate_cannot_be_let(client: TestClient) -> None:
    f = frontage(client, operated=False)
    response = client.post("/leases", json=lease_data(f["shops"][:1]), headers=OFFICER)
    assert response.status_code == 409
    assert response.json()["code"] == "NO_OPERATION_RIGHT"
    # an operation right from a later day does not cover a term starting before it
    hold(client, "building", f["building"]["id"], "operation", valid_from="2026-02-01")
    response = client.post("/leases", json=lease_data(f["shops"][:1]), headers=OFFICER)
    assert response.json()["code"] == "NO_OPERATION_RIGHT"
    late = lease_data(f["shops"][:1], starts_on="2026-02-01", ends_on="2027-01-31")
    assert client.post("/leases", json=late, headers=OFFICER).status_code == 201


def test_the_operator_must_be_one_budget_unit(client: TestClient) -> None:
    f = frontage(client, operated=False)
    a, b = f["shops"][0], f["shops"][1]
    hold(client, "room", a["id"], "operation", holder_name="A private firm", holder_unit_id=None)
    response = client.post("/leases", json=lease_data([a]), headers=OFFICER)
    assert response.json()["code"] == "OPERATOR_NOT_A_UNIT"
    hold(client, "building", f["building"]["id"], "operation")  # the centre, for room b
    other = str(uuid.uuid4())
    hold(client, "room", a["id"], "operation", holder_unit_id=other, valid_from="2021-01-01")
    response = client.post("/leases", json=lease_data([a, b]), headers=OFFICER)
    assert response.json()["code"] == "MIXED_OPERATORS"
    lease = active(client, [a])
    assert lease["revenue_unit_id"] == other  # the room's own holding, not the building's


def test_activation_at_or_above_the_floor_writes_the_schedule(client: TestClient) -> None:
    f = frontage(client)
    # 72.00 is exactly 0.8 of 90.00: at the floor, no approval needed
    lease = active(client, f["shops"][:1], rent_per_m2="72.00")
    assert lease["revenue_unit_id"] == CENTRE
    assert lease["occupied_to"] == "2028-01-14"
    assert lease["version"] == 2
    assert len(invoices(client, lease["id"])) == 24
    again = activate(client, lease)
    assert again.status_code == 409
    assert again.json()["code"] == "NOT_A_DRAFT"


def test_a_rent_below_the_floor_needs_a_director(client: TestClient) -> None:
    f = frontage(client)
    lease = draft(client, f["shops"][:1], rent_per_m2="71.99")
    pending = activate(client, lease)
    assert pending.status_code == 200
    assert pending.json()["status"] == "pending_approval"
    assert invoices(client, lease["id"]) == []
    assert activate(client, lease).json()["code"] == "AWAITING_APPROVAL"
    url = f"/leases/{lease['id']}/approve"
    assert client.post(url, json={}, headers=OFFICER).status_code == 403
    assert client.post(url, json={}).status_code == 401
    # the draft cannot be edited while it waits
    patch = client.patch(f"/leases/{lease['id']}", json={"rent_per_m2": "80.00"}, headers=OFFICER)
    assert patch.json()["code"] == "NOT_A_DRAFT"
    approved = client.post(url, json={"note": "Incubator for a local brand"}, headers=DIRECTOR)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "active"
    assert body["approved_by"] is not None and body["approved_at"] is not None
    assert len(invoices(client, lease["id"])) == 24
    assert client.post(url, json={}, headers=DIRECTOR).json()["code"] == "NOT_PENDING_APPROVAL"


def test_a_director_may_send_it_back_to_draft(client: TestClient) -> None:
    f = frontage(client)
    lease = draft(client, f["shops"][:1], rent_per_m2="50.00")
    activate(client, lease)
    url = f"/leases/{lease['id']}/reject"
    assert client.post(url, json={"reason": "x"}, headers=OFFICER).status_code == 403
    back = client.post(url, json={"reason": "Rent far below market"}, headers=DIRECTOR)
    assert back.json()["status"] == "draft"
    fixed = client.patch(
        f"/leases/{lease['id']}",
        json={"rent_per_m2": "85.00"},
        headers={**OFFICER, "If-Match": back.headers["etag"]},
    )
    assert fixed.status_code == 200, fixed.text
    assert activate(client, fixed.json()).json()["status"] == "active"


def test_a_threshold_from_the_settings(engine: Engine) -> None:
    from services.assets.config import AssetsSettings
    from services.assets.main import create_app
    from tests.support.tokens import verifier

    app = create_app(
        AssetsSettings(lease_min_market_share=Decimal("0.5")),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    with TestClient(app) as client:
        f = frontage(client)
        lease = draft(client, f["shops"][:1], rent_per_m2="45.00")  # half of 90.00
        assert activate(client, lease).json()["status"] == "active"


def test_no_two_activated_leases_of_the_same_space_overlap(client: TestClient) -> None:
    f = frontage(client)
    a, b, c = f["shops"]
    first = active(client, [a, b])
    overlapping = draft(client, [b, c], code="L-2", starts_on="2028-01-14", ends_on="2029-01-13")
    clash = activate(client, overlapping)
    assert clash.status_code == 409
    assert clash.json()["code"] == "LEASE_OVERLAP"
    assert invoices(client, overlapping["id"]) == []
    # the day after the first ends is free
    after = draft(client, [b, c], code="L-3", starts_on="2028-01-15", ends_on="2029-01-14")
    assert activate(client, after).json()["status"] == "active"
    # terminating the first frees its rooms after the termination day
    ended = client.post(
        f"/leases/{first['id']}/terminate",
        json={"terminated_on": "2026-06-30", "reason": "Tenant moved out"},
        headers=OFFICER,
    )
    assert ended.json()["occupied_to"] == "2026-06-30"
    again = draft(client, [a], code="L-4", starts_on="2026-06-30", ends_on="2027-06-29")
    assert activate(client, again).json()["code"] == "LEASE_OVERLAP"
    later = draft(client, [a], code="L-5", starts_on="2026-07-01", ends_on="2027-06-30")
    assert activate(client, later).json()["status"] == "active"


def test_two_concurrent_activations_cannot_both_win(client: TestClient, engine: Engine) -> None:
    f = frontage(client)
    one = draft(client, f["shops"][:1], code="L-A")
    two = draft(client, f["shops"][:1], code="L-B", starts_on="2027-01-01", ends_on="2027-12-31")
    audit = client.app.state.audit  # type: ignore[attr-defined]
    writer = for_writing(engine)
    first_done = threading.Event()
    outcome: dict[str, Any] = {}

    def slow_first() -> None:
        with unit_of_work(writer) as session:
            decisions.activate(
                session, audit, uuid.UUID(one["id"]), min_market_share=Decimal("0.8"),
                expected_version=None,
            )  # fmt: skip
            first_done.set()
            time.sleep(0.5)  # holds its locks while the second one tries

    def second() -> None:
        first_done.wait(5)
        try:
            with unit_of_work(writer) as session:
                decisions.activate(
                    session, audit, uuid.UUID(two["id"]), min_market_share=Decimal("0.8"),
                    expected_version=None,
                )  # fmt: skip
            outcome["second"] = "active"
        except ProblemError as exc:
            outcome["second"] = exc.code

    threads = [threading.Thread(target=slow_first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert outcome["second"] == "LEASE_OVERLAP"
    statuses = {
        lease["code"]: lease["status"]
        for lease in client.get("/leases", headers=OFFICER).json()["items"]
    }
    assert statuses == {"L-A": "active", "L-B": "draft"}


def test_only_a_draft_is_edited_with_if_match(client: TestClient) -> None:
    f = frontage(client)
    lease = draft(client, f["shops"][:1])
    url = f"/leases/{lease['id']}"
    stale = client.patch(url, json={"deposit": "1.00"}, headers={**OFFICER, "If-Match": '"9"'})
    assert stale.status_code == 412
    moved = client.patch(
        url,
        json={"room_ids": [r["id"] for r in f["shops"]]},
        headers={**OFFICER, "If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["area_m2"], moved.json()["version"]) == ("100.00", 2)
    office = client.patch(url, json={"room_ids": [f["office"]["id"]]}, headers=OFFICER)
    assert office.json()["code"] == "NON_OPERATING_ASSET"
    assert client.get(url, headers=OFFICER).json()["area_m2"] == "100.00"
    activate(client, moved.json())
    assert (
        client.patch(url, json={"deposit": "1.00"}, headers=OFFICER).json()["code"] == "NOT_A_DRAFT"
    )


def test_termination_cancels_the_later_months(client: TestClient) -> None:
    f = frontage(client)
    lease = active(client, f["shops"][:1])
    url = f"/leases/{lease['id']}/terminate"
    late = client.post(url, json={"terminated_on": "2028-01-15", "reason": "x"}, headers=OFFICER)
    assert late.json()["code"] == "TERMINATION_AFTER_END"
    ended = client.post(
        url, json={"terminated_on": "2026-03-20", "reason": "Breach of contract"}, headers=OFFICER
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "terminated"
    statuses = [i["status"] for i in invoices(client, lease["id"])]
    # months 1 (from 01-15), 2 (02-15) and 3 (03-15, which holds the 20th) stay due
    assert statuses == ["due"] * 3 + ["cancelled"] * 21
    again = client.post(url, json={"terminated_on": "2026-03-20", "reason": "x"}, headers=OFFICER)
    assert again.json()["code"] == "LEASE_TERMINATED"


def test_a_draft_is_withdrawn_by_terminating_it(client: TestClient) -> None:
    f = frontage(client)
    lease = draft(client, f["shops"][:1])
    ended = client.post(
        f"/leases/{lease['id']}/terminate",
        json={"terminated_on": "2026-01-01", "reason": "Tenant withdrew"},
        headers=OFFICER,
    )
    assert (ended.json()["status"], ended.json()["occupied_to"]) == ("terminated", None)
    # it never let the room, so another lease of the same term may
    assert active(client, f["shops"][:1], code="L-NEXT")["status"] == "active"


def test_lists_filter_by_status_and_room_and_expired_is_derived(client: TestClient) -> None:
    f = frontage(client)
    a, b, c = f["shops"]
    ago = today() - timedelta(days=400)
    old = draft(client, [a], code="L-OLD", starts_on=ago.isoformat(),
                ends_on=(ago + timedelta(days=200)).isoformat())  # fmt: skip
    assert activate(client, old).json()["status"] == "expired"
    active(client, [b], code="L-NOW")
    draft(client, [c], code="L-DRAFT")

    def codes(**params: str) -> list[str]:
        page = client.get("/leases", params=params, headers=bearer("service")).json()
        return [lease["code"] for lease in page["items"]]

    assert codes() == ["L-DRAFT", "L-NOW", "L-OLD"]
    assert codes(status="expired") == ["L-OLD"]
    assert codes(status="active") == ["L-NOW"]
    assert codes(status="draft") == ["L-DRAFT"]
    assert codes(room_id=a["id"]) == ["L-OLD"]


def test_changes_are_audited(client: TestClient) -> None:
    f = frontage(client)
    lease = draft(client, f["shops"][:1], rent_per_m2="60.00")
    activate(client, lease)
    client.post(f"/leases/{lease['id']}/approve", json={"note": "ok"}, headers=DIRECTOR)
    entries = client.get(
        "/audit", params={"resource_id": lease["id"]}, headers=bearer("auditor")
    ).json()["items"]
    actions = sorted(e["action"] for e in entries)
    assert actions == ["lease.approve", "lease.create", "lease.submit_for_approval"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/leases"),
        ("POST", "/leases"),
        ("GET", "/leases/arrears"),
        ("GET", "/leases/expiring"),
        ("GET", "/leases/{id}"),
        ("PATCH", "/leases/{id}"),
        ("POST", "/leases/{id}/activate"),
        ("POST", "/leases/{id}/approve"),
        ("POST", "/leases/{id}/reject"),
        ("POST", "/leases/{id}/terminate"),
        ("GET", "/leases/{id}/invoices"),
        ("POST", "/leases/{id}/invoices/1/payments"),
    ],
)
@pytest.mark.parametrize("role", ["staff", "unit_liaison", "finance_officer", None])
def test_roles(client: TestClient, method: str, path: str, role: str | None) -> None:
    headers = bearer(role) if role else {}
    url = path.replace("{id}", str(uuid.uuid4()))
    response = client.request(method, url, json={}, headers={**headers, "Idempotency-Key": "k"})
    assert response.status_code == (403 if role else 401)


@pytest.mark.parametrize("path", ["/activate", "/terminate", "/invoices/1/payments", ""])
def test_the_director_only_reads_and_decides(client: TestClient, path: str) -> None:
    f = frontage(client)
    lease = draft(client, f["shops"][:1])
    method = "PATCH" if path == "" else "POST"
    response = client.request(
        method,
        f"/leases/{lease['id']}{path}",
        json={},
        headers={**DIRECTOR, "Idempotency-Key": "k"},
    )
    assert response.status_code == 403
    assert client.get(f"/leases/{lease['id']}", headers=DIRECTOR).status_code == 200


def test_a_room_helper_makes_service_space_lettable(client: TestClient) -> None:
    f = frontage(client)
    canteen = room(client, f["floor"], "C1-S01-0192", use="service", area_m2="120.00", seats=0)
    assert active(client, [canteen])["area_m2"] == "120.00"
