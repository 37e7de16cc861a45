"""A claim approved and paid: an authorized payment from the unit's quota on its travel line
(maker–checker, budget control), settled by the treasury sandbox, the claim paid once; and
the claims reports within each caller's scope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from shared.types import today
from tests.finance.claims_support import (
    Office,
    claim_body,
    line,
    open_office,
    raise_claim,
    submit,
    travel_budget,
    trip,
)
from tests.finance.conftest import (
    APPROVER,
    APPROVER_2,
    AUDITOR,
    DIRECTOR,
    OFFICER,
    make_line,
    ok,
    ok_list,
)
from tests.finance.treasury_support import Linked, linked_servers
from tests.support.databases import Databases
from tests.support.tokens import bearer

TRIP = claim_body(
    [trip("成都", "2026-03-02", "2026-03-04", train="second")],
    [
        line("lodging", "900.00", 0, "CD-H1"),  # clerk × capital: 380 × 2 = 760
        line("meals", "300.00", 0),  # 100 × 3
        line("transport", "430.00", 0, "CD-T1"),
    ],
)  # claimed 1630.00, payable 1490.00


@pytest.fixture
def office(client: TestClient) -> Office:
    return open_office(client)


def submitted(client: Any, office: Office, body: dict[str, Any] = TRIP) -> dict[str, Any]:
    staff = office.staff(office.clerk)
    return submit(client, raise_claim(client, staff, body), staff)


def approve(
    client: Any, claim: dict[str, Any], line_id: str, headers: dict[str, str] = APPROVER
) -> Any:
    return client.post(
        f"/claims/{claim['id']}/approve", json={"appropriation_id": line_id}, headers=headers
    )


def quota(client: Any, office: Office) -> dict[str, Any]:
    rows = ok_list(client.get("/quotas", params={"unit_id": office.unit["id"]}, headers=AUDITOR))
    return next(q for q in rows if q["month"] == today().month)


def test_approval_is_an_authorized_payment_reserved_on_the_quota(
    client: TestClient, office: Office
) -> None:
    budget = travel_budget(client, office)
    claim = submitted(client, office)
    assert claim["payable"] == "1490.00"
    approved = ok(approve(client, claim, budget["id"]))
    assert (approved["status"], approved["decided_by"]) == ("approved", "approver-1")
    payment = ok(client.get(f"/payments/{approved['payment_id']}", headers=AUDITOR))
    assert (payment["method"], payment["amount"], payment["status"]) == (
        "authorized",
        "1490.00",
        "approved",
    )
    assert (payment["economic_class"], payment["expense_account"]) == ("30211", "5001")
    assert (payment["payee_name"], payment["payee_account"]) == ("clerk", "6222020200001234")
    assert (payment["requested_by"], payment["approved_by"]) == ("user-clerk", "approver-1")
    assert (quota(client, office)["committed"], quota(client, office)["available"]) == (
        "1490.00",
        "48510.00",
    )
    again = approve(client, approved, budget["id"], APPROVER_2)
    assert (again.status_code, again.json()["code"]) == (409, "CLAIM_STATE")


def test_maker_checker_and_budget_control(client: TestClient, office: Office) -> None:
    budget = travel_budget(client, office, quota="1000.00")
    claim = submitted(client, office)
    # the claimant (holding an approver's role too) and the preparer never approve it
    claimant = bearer("finance_approver", sub="someone", staff_id=str(office.clerk.id))
    preparer = bearer("finance_approver", sub="user-clerk")
    for party in (claimant, preparer):
        refused = approve(client, claim, budget["id"], party)
        assert (refused.status_code, refused.json()["code"]) == (403, "SELF_DECISION")
    assert approve(client, claim, budget["id"], OFFICER).status_code == 403
    # a quota of 1000 cannot carry 1490: nothing reserved, no payment, the claim waits
    short = approve(client, claim, budget["id"])
    assert (short.status_code, short.json()["code"]) == (409, "INSUFFICIENT_FUNDS")
    office_line = make_line(client, office.unit["id"], economic_class="30201")
    wrong = approve(client, claim, office_line["id"])
    assert (wrong.status_code, wrong.json()["code"]) == (422, "WRONG_ECONOMIC_CLASS")
    other_unit = make_line(client, office.other_unit["id"], economic_class="30211")
    foreign = approve(client, claim, other_unit["id"])
    assert (foreign.status_code, foreign.json()["code"]) == (422, "UNKNOWN_BUDGET_LINE")
    now = ok(client.get(f"/claims/{claim['id']}", headers=AUDITOR))
    assert (now["status"], now["payment_id"], now["version"]) == (
        "submitted",
        None,
        claim["version"],
    )
    assert ok(client.get("/payments", headers=AUDITOR))["total"] == 0
    assert quota(client, office)["committed"] == "0.00"


def test_reject_and_withdraw_free_the_receipts(client: TestClient, office: Office) -> None:
    claim = submitted(client, office)
    reason = {"reason": "No travel order on file"}
    staff = office.staff(office.clerk)
    assert (
        client.post(f"/claims/{claim['id']}/reject", json=reason, headers=staff).status_code == 403
    )
    rejected = ok(client.post(f"/claims/{claim['id']}/reject", json=reason, headers=DIRECTOR))
    assert (rejected["status"], rejected["decided_reason"]) == ("rejected", reason["reason"])
    late = client.post(f"/claims/{claim['id']}/withdraw", json=reason, headers=staff)
    assert (late.status_code, late.json()["code"]) == (409, "CLAIM_STATE")
    again = submitted(client, office)  # the same receipts, claimed anew
    withdrawn = ok(
        client.post(f"/claims/{again['id']}/withdraw", json=reason, headers=office.liaison)
    )
    assert withdrawn["status"] == "withdrawn"
    outsider = client.post(f"/claims/{again['id']}/submit", headers=office.staff(office.chief))
    assert outsider.status_code == 404


def test_reports_by_unit_exceptions_and_top_claimants_within_scope(
    client: TestClient, office: Office
) -> None:
    first = submitted(client, office)
    lodging = first["lines"][0]
    ok(
        client.post(
            f"/claims/{first['id']}/lines/{lodging['id']}/exception",
            json={"reason": "Conference hotel"},
            headers=DIRECTOR,
        )
    )
    chief = office.staff(office.chief)
    body = claim_body([], [line("other", "80.00", None, "R-1")])
    submit(client, raise_claim(client, chief, body), chief)
    outsider = office.staff(office.outsider)
    body = claim_body([], [line("other", "5000.00", None, "R-2")])
    submit(client, raise_claim(client, outsider, body), outsider)
    raise_claim(client, chief, claim_body([], [line("other", "1.00", None, "R-3")]))  # a draft
    month = f"{today():%Y-%m}"
    year = {"year": today().year}
    rows = ok_list(client.get("/claims/reports/by-unit", params=year, headers=OFFICER))
    assert {(r["unit_id"], r["month"], r["count"], r["claimed"], r["payable"]) for r in rows} == {
        (office.unit["id"], month, 2, "1710.00", "1710.00"),
        (office.other_unit["id"], month, 1, "5000.00", "5000.00"),
    }
    mine = ok_list(client.get("/claims/reports/by-unit", params=year, headers=office.liaison))
    assert [r["unit_id"] for r in mine] == [office.unit["id"]]
    own = ok_list(client.get("/claims/reports/by-unit", params=year, headers=chief))
    assert [(r["count"], r["claimed"]) for r in own] == [(1, "80.00")]
    other = client.get(
        "/claims/reports/by-unit",
        params={**year, "unit_id": office.unit["id"]},
        headers=office.other_liaison,
    )
    assert other.status_code == 403
    granted = ok_list(client.get("/claims/reports/exceptions", headers=AUDITOR))
    assert [
        (g["line_id"], g["granted_by"], g["reason"], g["amount"], g["cap"]) for g in granted
    ] == [(lodging["id"], "director-1", "Conference hotel", "900.00", "760.00")]
    assert ok_list(client.get("/claims/reports/exceptions", headers=office.other_liaison)) == []
    top = ok_list(client.get("/claims/reports/top-claimants", params={"limit": 2}, headers=AUDITOR))
    assert [(t["staff_name"], t["count"], t["payable"]) for t in top] == [
        ("outsider", 1, "5000.00"),
        ("clerk", 1, "1630.00"),
    ]
    ahead = {"since": str(today().replace(day=1).replace(year=today().year + 1))}
    assert ok_list(client.get("/claims/reports/top-claimants", params=ahead, headers=AUDITOR)) == []
    backwards = {"since": "2026-02-01", "until": "2026-01-01"}
    refused = client.get("/claims/reports/top-claimants", params=backwards, headers=AUDITOR)
    assert (refused.status_code, refused.json()["code"]) == (422, "DATES_OUT_OF_ORDER")


@pytest.fixture
def linked(databases: Databases, tmp_path: Path) -> Iterator[Linked]:
    with linked_servers(databases, tmp_path) as pair:
        yield pair


def test_a_claim_is_paid_once_when_its_payment_settles(linked: Linked) -> None:
    linked.control(callback_mode="duplicate")
    office = open_office(linked.http, linked.finance)
    budget = travel_budget(linked.http, office)
    claim = ok(approve(linked.http, submitted(linked.http, office), budget["id"]))
    early = linked.http.post(f"/claims/{claim['id']}/pay", headers=office.liaison)
    assert early.status_code == 403
    sent = ok(linked.http.post(f"/claims/{claim['id']}/pay", headers=OFFICER), 202)
    assert sent["status"] in ("approved", "paid")

    def claim_now() -> dict[str, Any]:
        return ok(linked.http.get(f"/claims/{claim['id']}", headers=AUDITOR))

    linked.wait_for(lambda: claim_now()["status"] == "paid", what="the claim paid")
    linked.sender.poll_quiet()  # a poll on top of the duplicated callbacks changes nothing
    paid = claim_now()
    assert paid["paid_on"] == str(today()) and paid["version"] == claim["version"] + 1
    payment = ok(linked.http.get(f"/payments/{claim['payment_id']}", headers=AUDITOR))
    assert payment["status"] == "settled"
    audit = ok(
        linked.http.get("/audit", params={"resource_type": "claim", "limit": 50}, headers=AUDITOR)
    )
    assert [e["action"] for e in audit["items"]].count("claim.paid") == 1
    entries = ok(linked.http.get("/journal-entries", params={"source": "payment"}, headers=AUDITOR))
    [entry] = entries["items"]
    assert {(x["account_code"], x["debit"], x["credit"]) for x in entry["lines"]} == {
        ("5001", "1490.00", "0.00"),
        ("1011", "0.00", "1490.00"),
    }
    again = linked.http.post(f"/claims/{claim['id']}/pay", headers=OFFICER)
    assert (again.status_code, again.json()["code"]) == (409, "CLAIM_STATE")


def test_a_payment_the_treasury_refuses_returns_the_claim_to_its_claimant(linked: Linked) -> None:
    office = open_office(linked.http, linked.finance)
    budget = travel_budget(linked.http, office)
    blocked = {**TRIP, "payee_account": "9999000011112222"}  # the sandbox refuses it (AC06)
    claim = ok(approve(linked.http, submitted(linked.http, office, blocked), budget["id"]))
    ok(linked.http.post(f"/claims/{claim['id']}/pay", headers=OFFICER), 202)

    def claim_now() -> dict[str, Any]:
        return ok(linked.http.get(f"/claims/{claim['id']}", headers=AUDITOR))

    linked.wait_for(lambda: claim_now()["status"] == "draft", what="the claim returned")
    back = claim_now()
    assert back["payment_id"] is None and "AC06" in back["decided_reason"]
    failed = ok(linked.http.get(f"/payments/{claim['payment_id']}", headers=AUDITOR))
    assert failed["status"] == "failed"
    assert quota(linked.http, office)["committed"] == "0.00"
    # the claimant puts the account right; checked again, approved again, a new payment
    staff = office.staff(office.clerk)
    rewritten = ok(linked.http.put(f"/claims/{claim['id']}", json=TRIP, headers=staff))
    again = ok(approve(linked.http, submit(linked.http, rewritten, staff), budget["id"]))
    assert again["payment_id"] not in (None, claim["payment_id"])
    assert quota(linked.http, office)["committed"] == "1490.00"


def test_a_paid_claim_whose_payment_the_bank_returns_goes_back_to_its_claimant(
    linked: Linked,
) -> None:
    office = open_office(linked.http, linked.finance)
    budget = travel_budget(linked.http, office)
    claim = ok(approve(linked.http, submitted(linked.http, office), budget["id"]))
    ok(linked.http.post(f"/claims/{claim['id']}/pay", headers=OFFICER), 202)

    def claim_now() -> dict[str, Any]:
        return ok(linked.http.get(f"/claims/{claim['id']}", headers=AUDITOR))

    linked.wait_for(lambda: claim_now()["status"] == "paid", what="the claim paid")
    payment = ok(linked.http.get(f"/payments/{claim['payment_id']}", headers=AUDITOR))
    linked.control(callback_mode="duplicate")  # the return is heard twice
    returned = httpx.post(
        f"{linked.treasury_url}/control/instructions/{payment['instruction_id']}/return",
        json={"reason_code": "AC04", "reason": "payee account closed"},
    )
    assert returned.status_code == 200, returned.text
    linked.wait_for(lambda: claim_now()["status"] == "draft", what="the claim returned")
    linked.sender.poll_quiet()
    back = claim_now()
    assert back["payment_id"] is None and back["paid_on"] is None
    assert "AC04" in back["decided_reason"] and back["version"] == claim["version"] + 2
    assert ok(linked.http.get(f"/payments/{payment['id']}", headers=AUDITOR))["status"] == (
        "returned"
    )
    audit = ok(
        linked.http.get("/audit", params={"resource_type": "claim", "limit": 50}, headers=AUDITOR)
    )
    assert [e["action"] for e in audit["items"]].count("claim.payment_returned") == 1
    assert quota(linked.http, office)["paid"] == "0.00"
    # put right and paid again through a new approval and a new payment
    staff = office.staff(office.clerk)
    rewritten = ok(linked.http.put(f"/claims/{claim['id']}", json=TRIP, headers=staff))
    again = ok(approve(linked.http, submit(linked.http, rewritten, staff), budget["id"]))
    assert again["payment_id"] not in (None, claim["payment_id"])
