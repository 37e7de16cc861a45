"""What finance sends: signed submissions, idempotent by instruction id, validated strictly."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.webhooks import new_secret, sign
from tests.treasury.conftest import (
    INSTRUCTION_SECRET,
    Receiver,
    SandboxFactory,
    instruction,
    remittance,
    signed_get,
    status_of,
    submit,
    wait_for,
    wait_status,
)

STATUS_FIELDS = {
    "instruction_id",
    "kind",
    "status",
    "reason_code",
    "reason",
    "amount",
    "currency",
    "received_at",
    "updated_at",
    "settled_on",
}


def test_a_signed_instruction_is_received(sandbox: TestClient) -> None:
    body = instruction()
    response = submit(sandbox, body)
    assert response.status_code == 202, response.text
    status = response.json()
    assert set(status) == STATUS_FIELDS
    assert status["instruction_id"] == body["instruction_id"]
    assert (status["kind"], status["status"]) == ("payment", "received")
    assert (status["amount"], status["currency"]) == ("1234.50", "CNY")
    assert status["reason_code"] is None and status["settled_on"] is None
    assert status["received_at"] == status["updated_at"]
    assert status_of(sandbox, body["instruction_id"])["instruction_id"] == body["instruction_id"]


def test_a_remittance_is_received_too(sandbox: TestClient) -> None:
    response = submit(sandbox, remittance())
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "remittance"


def _refusal(response: Any) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 401 and problem["detail"]
    code: str = problem["code"]
    return code


def test_unsigned_forged_stale_or_tampered_submissions_are_refused(sandbox: TestClient) -> None:
    body = instruction()
    raw = json.dumps(body).encode()
    post = sandbox.post
    assert _refusal(post("/instructions", content=raw)) == "MISSING_HEADERS"
    forged = sign(new_secret(b"x" * 32), "m1", raw)
    assert _refusal(post("/instructions", content=raw, headers=forged)) == "BAD_SIGNATURE"
    stale = sign(INSTRUCTION_SECRET, "m2", raw, timestamp=int(time.time()) - 3600)
    assert _refusal(post("/instructions", content=raw, headers=stale)) == "STALE_TIMESTAMP"
    signed = sign(INSTRUCTION_SECRET, "m3", raw)
    tampered = raw.replace(b"1234.50", b"9234.50")
    assert _refusal(post("/instructions", content=tampered, headers=signed)) == "BAD_SIGNATURE"
    # the signature is checked before the body is even parsed
    assert _refusal(post("/instructions", content=b"not json")) == "MISSING_HEADERS"
    # nothing was stored
    assert signed_get(sandbox, f"/instructions/{body['instruction_id']}").status_code == 404


def test_reads_are_signed_too(sandbox: TestClient) -> None:
    body = instruction()
    submit(sandbox, body)
    path = f"/instructions/{body['instruction_id']}"
    assert _refusal(sandbox.get(path)) == "MISSING_HEADERS"
    assert _refusal(signed_get(sandbox, path, secret=new_secret(b"y" * 32))) == "BAD_SIGNATURE"
    assert _refusal(sandbox.get("/statements?date=2025-03-14")) == "MISSING_HEADERS"


def test_an_unknown_instruction_is_404(sandbox: TestClient) -> None:
    response = signed_get(sandbox, "/instructions/NO-SUCH-ID")
    assert response.status_code == 404
    assert response.json()["code"] == "INSTRUCTION_NOT_FOUND"


def test_the_same_instruction_again_answers_its_status_and_changes_nothing(
    sandbox: TestClient, receiver: Receiver
) -> None:
    body = instruction(amount="1234.5")
    first = submit(sandbox, body)
    assert first.status_code == 202
    # the same content spelt differently (key order, 1234.50 for 1234.5) is the same
    respelt = {k: body[k] for k in reversed(list(body))} | {"amount": "1234.50"}
    again = submit(sandbox, respelt)
    assert again.status_code == 200, again.text
    assert again.json()["received_at"] == first.json()["received_at"]

    settled = wait_status(sandbox, body["instruction_id"], "settled")
    wait_for(lambda: len(receiver.events()) == 2, what="accepted and settled callbacks")
    late = submit(sandbox, body)
    assert late.status_code == 200
    assert late.json() == settled, "the current status, not a new instruction"
    time.sleep(0.3)
    assert receiver.statuses(body["instruction_id"]) == ["accepted", "settled"]
    statement = signed_get(sandbox, f"/statements?date={settled['settled_on']}&format=csv")
    assert statement.text.count(body["instruction_id"]) == 1, "booked once"


@pytest.mark.parametrize(
    "change",
    [
        {"amount": "1234.51"},
        {"creditor": {"name": "Someone Else", "account": "6222020200112233", "bank": "ICBC"}},
        {"method": "authorized"},
        {"purpose": "another purpose"},
    ],
)
def test_the_same_id_with_other_content_is_refused(
    sandbox: TestClient, change: dict[str, Any]
) -> None:
    body = instruction()
    assert submit(sandbox, body).status_code == 202
    response = submit(sandbox, {**body, **change})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "INSTRUCTION_ID_REUSED"
    assert status_of(sandbox, body["instruction_id"])["amount"] == "1234.50"


BAD: dict[str, dict[str, Any]] = {
    "zero amount": {"amount": "0.00"},
    "negative amount": {"amount": "-5.00"},
    "three decimals": {"amount": "10.005"},
    "amount as a number": {"amount": 10.5},
    "amount not a number": {"amount": "ten"},
    "other currency": {"currency": "USD"},
    "id with a space": {"instruction_id": "PAY 1"},
    "id too long": {"instruction_id": "P" * 36},
    "empty id": {"instruction_id": ""},
    "unknown kind": {"kind": "transfer"},
    "payment without method": {"method": None},
    "unknown method": {"method": "cash"},
    "unknown field": {"priority": "high"},
    "creditor without bank": {"creditor": {"name": "X", "account": "1"}},
    "blank debtor name": {"debtor": {"name": "  ", "account": "1"}},
    "bad date": {"requested_on": "2025-02-30"},
}


@pytest.mark.parametrize("case", list(BAD))
def test_invalid_instructions_are_422(sandbox: TestClient, case: str) -> None:
    response = submit(sandbox, instruction(**BAD[case]))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "VALIDATION_FAILED"


def test_a_remittance_names_no_method_and_missing_fields_or_bad_json_are_422(
    sandbox: TestClient,
) -> None:
    assert submit(sandbox, remittance(method="direct")).status_code == 422
    body = instruction()
    del body["purpose"]
    assert submit(sandbox, body).status_code == 422
    assert submit(sandbox, b"{not json").status_code == 422
    assert submit(sandbox, b"").status_code == 422


def test_an_instruction_id_of_35_characters_is_fine(sandbox: TestClient) -> None:
    ident = ("E2E-" + uuid.uuid4().hex)[:35].ljust(35, "0")
    assert submit(sandbox, instruction(instruction_id=ident)).status_code == 202


def test_healthz(sandbox: TestClient) -> None:
    assert sandbox.get("/healthz").json() == {"status": "ok"}


def test_make_sandbox_settings_are_used(make_sandbox: SandboxFactory) -> None:
    client = make_sandbox(tsa_account="TSA-9")
    assert client.app.state.settings.tsa_account == "TSA-9"  # type: ignore[attr-defined]
