"""Maker–checker, the director's threshold, and availability on approval."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.finance.conftest import (
    APPROVER,
    APPROVER_2,
    AUDITOR,
    DIRECTOR,
    OFFICER,
    approve,
    grant_quota,
    make_line,
    make_unit,
    ok,
    raise_payment,
)
from tests.support.tokens import bearer


def execution(client: TestClient) -> dict[str, str]:
    row = ok(client.get("/budget/execution", headers=AUDITOR))["rows"][0]
    return {k: row[k] for k in ("committed", "paid", "available")}


def test_requester_can_never_approve(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    both = bearer("finance_officer", "finance_approver", sub="officer-1")
    payment = raise_payment(client, unit["id"], line["id"], "100.00", headers=both)
    refused = approve(client, payment["id"], headers=both)
    assert refused.status_code == 403
    assert refused.json()["code"] == "SELF_APPROVAL"
    assert execution(client)["committed"] == "0.00"


def test_approval_reserves_and_rejection_releases(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "1000.00")
    payment = raise_payment(client, unit["id"], line["id"], "400.00")
    approved = ok(approve(client, payment["id"]))
    assert approved["status"] == "approved"
    assert execution(client) == {"committed": "400.00", "paid": "0.00", "available": "600.00"}
    cancelled = ok(
        client.post(
            f"/payments/{payment['id']}/cancel", json={"reason": "duplicate order"}, headers=OFFICER
        )
    )
    assert cancelled["status"] == "cancelled"
    assert execution(client)["available"] == "1000.00"
    second = raise_payment(client, unit["id"], line["id"], "300.00")
    rejected = ok(
        client.post(
            f"/payments/{second['id']}/reject", json={"reason": "no contract"}, headers=APPROVER
        )
    )
    assert rejected["status"] == "rejected" and rejected["decided_reason"] == "no contract"
    assert approve(client, second["id"]).status_code == 409


def test_approval_beyond_availability_is_refused(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "1000.00")
    first = raise_payment(client, unit["id"], line["id"], "700.00")
    second = raise_payment(client, unit["id"], line["id"], "300.01")
    ok(approve(client, first["id"]))
    refused = approve(client, second["id"])
    assert refused.status_code == 409
    assert refused.json()["code"] == "INSUFFICIENT_FUNDS"
    assert refused.json()["available"] == "300.00"
    assert ok(client.get(f"/payments/{second['id']}", headers=AUDITOR))["status"] == "requested"


def test_above_threshold_a_director_must_also_approve(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "2000000.00")
    payment = raise_payment(client, unit["id"], line["id"], "500000.01")
    assert payment["needs_director"] is True
    # the director does not go first
    assert approve(client, payment["id"], headers=DIRECTOR).json()["code"] == "APPROVER_FIRST"
    first = ok(approve(client, payment["id"]))
    assert first["status"] == "pending_director"
    assert execution(client)["committed"] == "500000.01"  # reserved at the first approval
    # a second finance approver is not enough
    assert approve(client, payment["id"], headers=APPROVER_2).json()["code"] == "DIRECTOR_REQUIRED"
    both = bearer("finance_approver", "director", sub="approver-1")
    assert approve(client, payment["id"], headers=both).json()["code"] == "SAME_APPROVER"
    done = ok(approve(client, payment["id"], headers=DIRECTOR))
    assert done["status"] == "approved"
    assert done["director_approved_by"] == "director-1"
    at_threshold = raise_payment(client, unit["id"], line["id"], "500000.00")
    assert ok(approve(client, at_threshold["id"]))["status"] == "approved"


def test_authorized_payment_draws_on_the_quota(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "10000.00")
    no_quota = client.post(
        "/payments",
        json={
            "unit_id": unit["id"],
            "method": "authorized",
            "appropriation_id": line["id"],
            "payee_name": "Stationer",
            "payee_account": "62220001",
            "payee_bank": "Bank",
            "amount": "10.00",
            "purpose": "pens",
        },
        headers=OFFICER,
    )
    assert no_quota.json()["code"] == "NO_QUOTA"
    grant_quota(client, unit["id"], "500.00")
    payment = raise_payment(client, unit["id"], line["id"], "600.00", method="authorized")
    refused = approve(client, payment["id"])
    assert refused.status_code == 409 and refused.json()["limited_by"] == "quota"
    assert execution(client)["committed"] == "0.00"  # the line's reservation rolled back too


def test_liaison_raises_for_its_own_unit_only(client: TestClient) -> None:
    a, b = make_unit(client, "AAA"), make_unit(client, "BBB")
    line_a, line_b = make_line(client, a["id"]), make_line(client, b["id"])
    liaison = bearer("unit_liaison", sub="liaison-a", unit_id=a["id"])
    mine = raise_payment(client, a["id"], line_a["id"], "10.00", headers=liaison)
    assert mine["requested_by"] == "liaison-a"
    other = client.post(
        "/payments",
        json={
            "unit_id": b["id"],
            "method": "direct",
            "appropriation_id": line_b["id"],
            "payee_name": "X",
            "payee_account": "62220001",
            "payee_bank": "Bank",
            "amount": "1.00",
            "purpose": "test",
        },
        headers=liaison,
    )
    assert other.status_code == 403
    listed = ok(client.get("/payments", headers=liaison))
    assert {p["unit_id"] for p in listed["items"]} == {a["id"]}
    assert approve(client, mine["id"], headers=liaison).status_code == 403


def test_payment_creation_is_idempotent_by_key(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    headers = {**OFFICER, "Idempotency-Key": "pay-req-1"}
    first = raise_payment(client, unit["id"], line["id"], "10.00", headers=headers)
    second = raise_payment(client, unit["id"], line["id"], "10.00", headers=headers)
    assert first["id"] == second["id"]
    assert ok(client.get("/payments", headers=AUDITOR))["total"] == 1


def test_a_payment_books_to_an_expense_or_what_it_buys_only(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    for account, status in (("1011", 422), ("1002", 422), ("2302", 422), ("1601", 201)):
        response = client.post(
            "/payments",
            json={
                "unit_id": unit["id"],
                "method": "direct",
                "appropriation_id": line["id"],
                "payee_name": "Vendor",
                "payee_account": "62220001",
                "payee_bank": "Bank",
                "amount": "10.00",
                "purpose": "equipment",
                "expense_account": account,
            },
            headers=OFFICER,
        )
        assert response.status_code == status, (account, response.text)


def test_control_characters_are_refused_in_payee_and_purpose(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    response = client.post(
        "/payments",
        json={
            "unit_id": unit["id"],
            "method": "direct",
            "appropriation_id": line["id"],
            "payee_name": "Vendor\x07",
            "payee_account": "62220001",
            "payee_bank": "Bank",
            "amount": "10.00",
            "purpose": "equipment",
        },
        headers=OFFICER,
    )
    assert response.status_code == 422
