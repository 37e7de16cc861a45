"""Money through the whole suite: a liaison raises a payment through the gateway, finance
approves and submits it to the treasury sandbox, and the sandbox's signed callbacks come back
through the gateway (signed in by client credentials as ``treasury``) until it is settled
and posted once."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from shared.types import today
from tests.e2e.conftest import Suite, bearer_of, create_user

pytestmark = pytest.mark.e2e


def call(suite: Suite, method: str, path: str, who: dict[str, str], **kw: Any) -> Any:
    response = httpx.request(method, f"{suite.gateway}/api/finance{path}", headers=who, **kw)
    assert response.status_code < 300, f"{method} {path}: {response.text}"
    return response.json()


def _personnel_unit(suite: Suite) -> str:
    """A new budget unit in personnel, made by an HR officer through the gateway."""
    api = f"{suite.gateway}/api/personnel"
    create_user(suite, "henry", "hr_officer")
    hr = bearer_of(suite, "henry")
    bodies = httpx.get(f"{api}/bodies", headers=hr).json()["items"]
    gov = next(b["id"] for b in bodies if b["code"] == "GOV")
    body = {"code": "E2E", "name": "E2E Unit", "name_zh": "端到端单位", "body_id": gov}
    created = httpx.post(f"{api}/units", headers=hr, json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_payment_settles_through_the_gateway_and_the_sandbox(suite: Suite) -> None:
    unit_id = _personnel_unit(suite)  # a liaison's unit must be one personnel knows
    create_user(suite, "fiona", "finance_officer")
    create_user(suite, "alan", "finance_approver")
    create_user(suite, "lily", "unit_liaison", unit_id=unit_id)
    officer, approver = bearer_of(suite, "fiona"), bearer_of(suite, "alan")
    liaison, auditor = bearer_of(suite, "lily"), bearer_of(suite, "audrey")
    call(
        suite,
        "POST",
        "/budget-units",
        officer,
        json={
            "id": unit_id,
            "code": "E2E",
            "name": "E2E Unit",
            "zba_account": "ZBA-E2E-0001",
            "zba_bank": "Agent Bank",
        },
    )
    line = call(
        suite,
        "POST",
        "/appropriations",
        officer,
        json={
            "fiscal_year": today().year,
            "unit_id": unit_id,
            "economic_class": "30201",
            "fund_source": "GEN",
            "amount": "5000.00",
        },
    )
    call(
        suite,
        "PUT",
        f"/appropriations/{line['id']}/plans/{today().month}",
        officer,
        json={"amount": "5000.00"},
    )
    payment = call(
        suite,
        "POST",
        "/payments",
        liaison,
        json={
            "unit_id": unit_id,
            "method": "direct",
            "appropriation_id": line["id"],
            "payee_name": "Stationer",
            "payee_account": "6222020200001111",
            "payee_bank": "ICBC",
            "amount": "321.00",
            "purpose": "Paper",
        },
    )
    # the liaison may not approve, and the treasury may not read anything
    refused = httpx.post(
        f"{suite.gateway}/api/finance/payments/{payment['id']}/approve", headers=liaison
    )
    assert refused.status_code == 403
    call(suite, "POST", f"/payments/{payment['id']}/approve", approver)
    call(suite, "POST", f"/payments/{payment['id']}/submit", officer)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        now = call(suite, "GET", f"/payments/{payment['id']}", liaison)
        if now["status"] == "settled":
            break
        time.sleep(0.2)
    assert now["status"] == "settled", now
    entries = call(suite, "GET", "/journal-entries", auditor, params={"source": "payment"})
    assert entries["total"] == 1
    token = httpx.post(
        f"{suite.gateway}/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "treasury",
            "client_secret": "treasury-secret-for-e2e",
        },
    ).json()["access_token"]
    as_treasury = {"Authorization": f"Bearer {token}"}
    assert (
        httpx.get(f"{suite.gateway}/api/finance/payments", headers=as_treasury).status_code == 403
    )
