"""Money and names that reach an approver or the treasury are refused unless they are what
they look like, and a refused request changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.finance.conftest import OFFICER, make_line, make_unit


def _payment(unit: dict[str, Any], line: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "unit_id": unit["id"],
        "method": "direct",
        "appropriation_id": line["id"],
        "payee_name": "Office Supplies Co.",
        "payee_account": "6222020200001234",
        "payee_bank": "ICBC City Branch",
        "amount": "10.00",
        "purpose": "Printer paper",
        **fields,
    }


@pytest.mark.parametrize(
    "field",
    [
        {"amount": "1e3"},
        {"amount": "1E+2"},
        {"amount": " 5.00"},
        {"amount": "١٢٣"},
        {"amount": 1.1},
        {"amount": 10},
        {"payee_name": "Supplies\u202eoC"},
        {"payee_name": "Sup\u200bplies"},
        {"payee_bank": "ICBC\u2067 Branch"},
        {"purpose": "paper\u202e"},
    ],
)
def test_refused_and_nothing_created(client: TestClient, field: dict[str, Any]) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    response = client.post("/payments", json=_payment(unit, line, **field), headers=OFFICER)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    listed = client.get("/payments", params={"unit_id": unit["id"]}, headers=OFFICER).json()
    assert listed["total"] == 0


def test_the_documented_amount_is_taken(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"])
    response = client.post("/payments", json=_payment(unit, line, amount="7"), headers=OFFICER)
    assert response.status_code == 201, response.text
    assert response.json()["amount"] == "7.00"
