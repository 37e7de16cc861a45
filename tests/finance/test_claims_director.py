"""A claim above the director threshold: its payment waits for a director (never its
claimant), the claim shows it and cannot be paid before; a director who rejects the payment
rejects the claim (receipts freed, money released); a payment cancelled before it is sent
returns the claim to the approvers, and it is approved anew once."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.finance.claims_support import Office, open_office, raise_claim, submit, travel_budget
from tests.finance.conftest import APPROVER, AUDITOR, DIRECTOR, OFFICER, finance_app, ok, ok_list
from tests.finance.test_claims_payment import TRIP, approve, quota
from tests.support.databases import Databases
from tests.support.tokens import bearer

REASON = {"reason": "Trip not on the unit's plan"}


@pytest.fixture
def client(databases: Databases) -> Iterator[TestClient]:
    app = finance_app(databases, director_threshold=Decimal("1000.00"))  # the claim is 1490
    with TestClient(app) as c:
        yield c
    app.state.treasury_client.close()
    app.state.engine.dispose()


@pytest.fixture
def office(client: TestClient) -> Office:
    return open_office(client)


def approved(client: TestClient, office: Office) -> tuple[dict[str, Any], dict[str, Any]]:
    """A claim of 1490 approved by the finance approver, and its budget line."""
    budget = travel_budget(client, office)
    staff = office.staff(office.clerk)
    claim = ok(
        approve(client, submit(client, raise_claim(client, staff, TRIP), staff), budget["id"])
    )
    return claim, budget


def read(client: TestClient, claim: dict[str, Any]) -> dict[str, Any]:
    return ok(client.get(f"/claims/{claim['id']}", headers=AUDITOR))


def test_the_claim_waits_for_the_director_and_shows_it(client: TestClient, office: Office) -> None:
    claim, _ = approved(client, office)
    assert (claim["status"], claim["payment_status"]) == ("approved", "pending_director")
    early = client.post(f"/claims/{claim['id']}/pay", headers=OFFICER)
    assert (early.status_code, early.json()["code"]) == (409, "AWAITING_DIRECTOR")
    assert early.json()["payment_id"] == claim["payment_id"]
    assert read(client, claim)["payment_status"] == "pending_director"
    ok(client.post(f"/payments/{claim['payment_id']}/approve", headers=DIRECTOR))
    assert read(client, claim)["payment_status"] == "approved"
    sent = ok(client.post(f"/claims/{claim['id']}/pay", headers=OFFICER), 202)
    assert sent["status"] == "approved"  # paid once its payment settles
    assert sent["payment_status"] in ("submitting", "submitted")


def test_a_director_rejecting_the_payment_rejects_the_claim(
    client: TestClient, office: Office
) -> None:
    claim, _ = approved(client, office)
    assert quota(client, office)["committed"] == "1490.00"
    reject = f"/payments/{claim['payment_id']}/reject"
    refused = client.post(reject, json=REASON, headers=APPROVER)  # the director decides now
    assert (refused.status_code, refused.json()["code"]) == (403, "DIRECTOR_REQUIRED")
    assert read(client, claim)["status"] == "approved"
    ok(client.post(reject, json=REASON, headers=DIRECTOR))
    now = read(client, claim)
    assert (now["status"], now["payment_status"]) == ("rejected", "rejected")
    assert (now["decided_by"], now["decided_reason"]) == ("director-1", REASON["reason"])
    assert now["version"] > claim["version"]
    assert quota(client, office)["committed"] == "0.00"
    actions = [e["action"] for e in ok_list(client.get("/audit", headers=AUDITOR))]
    assert "claim.rejected" in actions
    staff = office.staff(office.clerk)
    again = raise_claim(client, staff, TRIP)  # its receipts are free again
    assert again["status"] == "draft"
    late = client.post(f"/claims/{claim['id']}/pay", headers=OFFICER)
    assert (late.status_code, late.json()["code"]) == (409, "CLAIM_STATE")


def test_a_cancelled_payment_returns_the_claim_to_the_approvers(
    client: TestClient, office: Office
) -> None:
    claim, budget = approved(client, office)
    first = claim["payment_id"]
    cancel = {"reason": "Wrong budget line"}
    ok(client.post(f"/payments/{first}/cancel", json=cancel, headers=OFFICER))
    now = read(client, claim)
    assert (now["status"], now["payment_id"], now["payment_status"]) == ("submitted", None, None)
    assert now["decided_by"] is None
    assert "cancelled: Wrong budget line" in now["decided_reason"]
    assert quota(client, office)["committed"] == "0.00"
    again = ok(approve(client, now, budget["id"]))
    assert again["payment_id"] not in (None, first)
    assert quota(client, office)["committed"] == "1490.00"  # reserved once, not twice
    twice = client.post(f"/payments/{first}/cancel", json=cancel, headers=OFFICER)
    assert (twice.status_code, twice.json()["code"]) == (409, "PAYMENT_STATE")
    assert read(client, claim)["payment_id"] == again["payment_id"]


def test_a_director_never_decides_the_payment_of_their_own_claim(
    client: TestClient, office: Office
) -> None:
    budget = travel_budget(client, office)
    body = {**TRIP, "staff_id": str(office.chief.id)}  # the liaison claims for the chief
    claim = submit(client, raise_claim(client, office.liaison, body), office.liaison)
    claim = ok(approve(client, claim, budget["id"]))
    assert claim["payment_status"] == "pending_director"
    chief = bearer("director", sub="user-chief", staff_id=str(office.chief.id))
    payment = f"/payments/{claim['payment_id']}"
    for step, body in (("approve", None), ("reject", REASON)):
        refused = client.post(f"{payment}/{step}", json=body, headers=chief)
        assert (refused.status_code, refused.json()["code"]) == (403, "SELF_DECISION")
    assert read(client, claim)["payment_status"] == "pending_director"
    ok(client.post(f"{payment}/approve", headers=DIRECTOR))  # another director
    assert read(client, claim)["payment_status"] == "approved"
