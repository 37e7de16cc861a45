"""The finance service on a fresh, migrated database, and helpers that open the books of a
unit: a budget unit, a budget line with this month's plan, a quota."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.finance.config import FinanceSettings
from services.finance.main import create_app
from shared.types import today
from tests.support.databases import Databases
from tests.support.tokens import bearer, verifier

OFFICER = bearer("finance_officer", sub="officer-1")
OFFICER_2 = bearer("finance_officer", sub="officer-2")
APPROVER = bearer("finance_approver", sub="approver-1")
APPROVER_2 = bearer("finance_approver", sub="approver-2")
DIRECTOR = bearer("director", sub="director-1")
AUDITOR = bearer("auditor", sub="auditor-1")
UNREACHABLE_TREASURY = "http://127.0.0.1:9"  # discard port: nothing answers


def finance_app(databases: Databases, **settings: Any) -> FastAPI:
    engine = databases.fresh_engine("finance")
    config = FinanceSettings(treasury_url=UNREACHABLE_TREASURY, **settings)
    return create_app(config, engine=engine, verifier=verifier(), run_relay=False, access_log=False)


@pytest.fixture
def app(databases: Databases) -> Iterator[FastAPI]:
    application = finance_app(databases)
    yield application
    application.state.treasury_client.close()
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


def ok_list(response: Any, status: int = 200) -> list[dict[str, Any]]:
    """The items of a list's page."""
    assert response.status_code == status, response.text
    data: list[dict[str, Any]] = response.json()["items"]
    return data


def make_unit(client: httpx.Client, code: str = "AAB") -> dict[str, Any]:
    body = {
        "id": str(uuid.uuid4()),
        "code": code,
        "name": f"Unit {code}",
        "zba_account": f"ZBA-{code}-0001",
        "zba_bank": "Agent Bank",
    }
    return ok(client.post("/budget-units", json=body, headers=OFFICER), 201)


def make_line(
    client: httpx.Client,
    unit_id: str,
    amount: str = "100000.00",
    *,
    plan: str | None = None,
    economic_class: str = "30201",
    fund_source: str = "GEN",
) -> dict[str, Any]:
    """A budget line of this year with this month's plan (the whole line unless ``plan``)."""
    line = ok(
        client.post(
            "/appropriations",
            json={
                "fiscal_year": today().year,
                "unit_id": unit_id,
                "economic_class": economic_class,
                "fund_source": fund_source,
                "amount": amount,
            },
            headers=OFFICER,
        ),
        201,
    )
    ok(
        client.put(
            f"/appropriations/{line['id']}/plans/{today().month}",
            json={"amount": plan or amount},
            headers=OFFICER,
        )
    )
    return line


def grant_quota(client: httpx.Client, unit_id: str, amount: str) -> dict[str, Any]:
    d = today()
    return ok(
        client.put(
            f"/quotas/{unit_id}/{d.year}/{d.month}", json={"amount": amount}, headers=OFFICER
        )
    )


def raise_payment(
    client: httpx.Client,
    unit_id: str,
    line_id: str,
    amount: str,
    *,
    method: str = "direct",
    headers: dict[str, str] = OFFICER,
    **fields: Any,
) -> dict[str, Any]:
    body = {
        "unit_id": unit_id,
        "method": method,
        "appropriation_id": line_id,
        "payee_name": "Office Supplies Co.",
        "payee_account": "6222020200001234",
        "payee_bank": "ICBC City Branch",
        "amount": amount,
        "purpose": "Printer paper and toner",
        **fields,
    }
    return ok(client.post("/payments", json=body, headers=headers), 201)


def approve(client: httpx.Client, payment_id: str, headers: dict[str, str] = APPROVER) -> Any:
    return client.post(f"/payments/{payment_id}/approve", headers=headers)
