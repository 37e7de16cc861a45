"""What the treasury does with an instruction: the rules, settlement, and the callbacks."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.types import today
from tests.support.servers import free_port
from tests.treasury.conftest import (
    TOKEN,
    Receiver,
    SandboxFactory,
    instruction,
    remittance,
    signed_get,
    status_of,
    stored_callbacks,
    submit,
    wait_for,
    wait_status,
)

CALLBACK_FIELDS = {
    "type",
    "event_id",
    "instruction_id",
    "kind",
    "status",
    "reason_code",
    "reason",
    "amount",
    "currency",
    "settled_on",
    "occurred_at",
}


def _callbacks(receiver: Receiver, instruction_id: str, count: int) -> list[dict[str, Any]]:
    wait_for(
        lambda: len(receiver.statuses(instruction_id)) >= count,
        what=f"{count} callbacks of {instruction_id}",
    )
    return [e for e in receiver.events() if e["instruction_id"] == instruction_id]


# ---- rules ---------------------------------------------------------------------------------

REJECTIONS = {
    "blocked account": ({"account": "9999000011112222"}, None, "AC06"),
    "closed account": ({"account": "0000123456"}, None, "AC04"),
    "amount above the maximum": ({}, "50000000.01", "AM02"),
}


@pytest.mark.parametrize("kind", ["payment", "remittance"])
@pytest.mark.parametrize("rule", list(REJECTIONS))
def test_rejection_rules(sandbox: TestClient, receiver: Receiver, rule: str, kind: str) -> None:
    creditor_change, amount, code = REJECTIONS[rule]
    make = instruction if kind == "payment" else remittance
    body = make()
    body["creditor"] = {**body["creditor"], **creditor_change}
    if amount:
        body["amount"] = amount
    assert submit(sandbox, body).status_code == 202
    rejected = wait_status(sandbox, body["instruction_id"], "rejected")
    assert rejected["reason_code"] == code and rejected["reason"]
    assert rejected["settled_on"] is None
    (event,) = _callbacks(receiver, body["instruction_id"], 1)
    assert (event["status"], event["reason_code"]) == ("rejected", code)
    time.sleep(0.2)
    assert receiver.statuses(body["instruction_id"]) == ["rejected"], "a rejection is final"


def test_the_maximum_itself_and_other_prefixes_are_accepted(sandbox: TestClient) -> None:
    body = instruction(amount="50000000.00")
    body["creditor"] = {**body["creditor"], "account": "19999"}
    submit(sandbox, body)
    assert wait_status(sandbox, body["instruction_id"], "settled")["reason_code"] is None


def test_rules_follow_the_settings(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(blocked_prefixes=["62"], closed_prefixes=[], max_amount="100.00")
    blocked = instruction()
    submit(sandbox, blocked)
    assert wait_status(sandbox, blocked["instruction_id"], "rejected")["reason_code"] == "AC06"
    big = instruction(amount="100.01")
    big["creditor"] = {**big["creditor"], "account": "7000"}
    submit(sandbox, big)
    assert wait_status(sandbox, big["instruction_id"], "rejected")["reason_code"] == "AM02"


# ---- settlement and callbacks --------------------------------------------------------------


def test_a_payment_is_accepted_then_settled_today_with_a_signed_callback_each(
    sandbox: TestClient, receiver: Receiver
) -> None:
    body = instruction()
    received = submit(sandbox, body).json()
    settled = wait_status(sandbox, body["instruction_id"], "settled")
    assert settled["settled_on"] == today().isoformat()
    assert settled["updated_at"] > received["updated_at"]
    accepted, done = _callbacks(receiver, body["instruction_id"], 2)
    assert (accepted["status"], done["status"]) == ("accepted", "settled")
    assert accepted["settled_on"] is None and done["settled_on"] == today().isoformat()
    for event in (accepted, done):
        assert set(event) == CALLBACK_FIELDS
        assert event["type"] == "payment.status"
        assert event["event_id"].startswith("evt_")
        assert (event["kind"], event["amount"], event["currency"]) == ("payment", "1234.50", "CNY")
        assert event["occurred_at"].endswith("Z")
    assert accepted["event_id"] != done["event_id"]
    for call in receiver.calls:
        assert call.verified, "signed with the callback secret"
        assert call.headers["authorization"] == f"Bearer {TOKEN}"
        assert call.headers["content-type"] == "application/json"
        assert call.headers["webhook-id"] == call.body["event_id"]


def test_a_remittance_settles_too(sandbox: TestClient, receiver: Receiver) -> None:
    body = remittance(amount="88.00")
    submit(sandbox, body)
    assert wait_status(sandbox, body["instruction_id"], "settled")["kind"] == "remittance"
    events = _callbacks(receiver, body["instruction_id"], 2)
    assert [e["kind"] for e in events] == ["remittance", "remittance"]


def test_callbacks_of_one_instruction_arrive_in_order(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    sandbox = make_sandbox(accept_delay_seconds=0, settle_delay_seconds=0)
    ids = []
    for _ in range(5):
        body = instruction()
        submit(sandbox, body)
        ids.append(body["instruction_id"])
    for ident in ids:
        _callbacks(receiver, ident, 2)
        assert receiver.statuses(ident) == ["accepted", "settled"]


def test_duplicate_mode_sends_every_event_twice_with_the_same_id(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    sandbox = make_sandbox(callback_mode="duplicate")
    body = instruction()
    submit(sandbox, body)
    events = _callbacks(receiver, body["instruction_id"], 4)
    assert [e["status"] for e in events] == ["accepted", "accepted", "settled", "settled"]
    assert events[0] == events[1] and events[2] == events[3], "the same event, byte for byte"
    assert events[0]["event_id"] != events[2]["event_id"]
    assert all(call.verified for call in receiver.calls)


def test_delay_mode_holds_each_callback_back(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    sandbox = make_sandbox(callback_mode="delay", callback_delay_seconds=0.6)
    body = instruction()
    started = time.time()
    submit(sandbox, body)
    wait_status(sandbox, body["instruction_id"], "settled")
    assert receiver.events() == [], "settled, but nothing sent yet"
    _callbacks(receiver, body["instruction_id"], 2)
    first = receiver.calls[0]
    assert first.at - started >= 0.6


def test_drop_mode_sends_nothing_and_finance_must_poll(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    sandbox = make_sandbox(callback_mode="drop")
    body = instruction()
    submit(sandbox, body)
    assert wait_status(sandbox, body["instruction_id"], "settled")["settled_on"]
    time.sleep(0.3)
    assert receiver.calls == []


def test_the_callback_mode_changes_at_run_time(sandbox: TestClient, receiver: Receiver) -> None:
    assert sandbox.get("/control").json() == {
        "callback_mode": "deliver",
        "callback_delay_seconds": 0.5,
        "available": True,
    }
    changed = sandbox.put("/control", json={"callback_mode": "drop"})
    assert changed.status_code == 200
    assert changed.json()["callback_mode"] == "drop"
    dropped = instruction()
    submit(sandbox, dropped)
    wait_status(sandbox, dropped["instruction_id"], "settled")
    sandbox.put("/control", json={"callback_mode": "duplicate"})
    doubled = instruction()
    submit(sandbox, doubled)
    assert len(_callbacks(receiver, doubled["instruction_id"], 4)) == 4
    assert receiver.statuses(dropped["instruction_id"]) == []
    bad = sandbox.put("/control", json={"callback_mode": "sometimes"})
    assert bad.status_code == 422 and bad.json()["code"] == "VALIDATION_FAILED"
    assert sandbox.put("/control", json={"callback_delay_seconds": -1}).status_code == 422


def test_a_failing_receiver_gets_the_same_event_again_until_it_answers(
    sandbox: TestClient, receiver: Receiver
) -> None:
    receiver.fail_next = 2
    body = instruction()
    submit(sandbox, body)
    wait_status(sandbox, body["instruction_id"], "settled")
    events = _callbacks(receiver, body["instruction_id"], 4)
    assert [e["status"] for e in events] == ["accepted"] * 3 + ["settled"]
    assert len({e["event_id"] for e in events[:3]}) == 1, "a resend keeps the event id"
    assert all(call.verified for call in receiver.calls), "each try freshly signed"


def test_callbacks_are_given_up_after_the_last_attempt(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    sandbox = make_sandbox(callback_attempts=3, callback_backoff_seconds=0.02)
    receiver.fail_next = 1000
    body = instruction()
    submit(sandbox, body)
    _callbacks(receiver, body["instruction_id"], 6)
    wait_for(lambda: all(c["state"] == "failed" for c in stored_callbacks(sandbox)))
    time.sleep(0.2)
    events = [e for e in receiver.events() if e["instruction_id"] == body["instruction_id"]]
    assert [e["status"] for e in events] == ["accepted"] * 3 + ["settled"] * 3
    assert status_of(sandbox, body["instruction_id"])["status"] == "settled"


def test_an_unreachable_receiver_is_tried_and_given_up(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(callback_url=f"http://127.0.0.1:{free_port()}/", callback_attempts=2)
    body = instruction()
    submit(sandbox, body)
    assert wait_status(sandbox, body["instruction_id"], "settled")
    rows = wait_for(
        lambda: (r := stored_callbacks(sandbox)) and all(c["state"] == "failed" for c in r) and r,
        what="both callbacks given up",
    )
    assert [r["attempts"] for r in rows] == [2, 2]
    assert all("ConnectError" in r["last_error"] for r in rows)
    assert all(r["due_at"] is None for r in rows)


def test_without_a_static_token_the_sandbox_signs_in_by_client_credentials(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    sandbox = make_sandbox(
        static_token=None,
        token_url=receiver.token_url,
        client_id="treasury",
        client_secret="the-client-secret",
    )
    body = instruction()
    submit(sandbox, body)
    _callbacks(receiver, body["instruction_id"], 2)
    assert receiver.grants == [
        {
            "grant_type": "client_credentials",
            "client_id": "treasury",
            "client_secret": "the-client-secret",
        }
    ], "one grant, cached for both callbacks"
    assert {c.headers["authorization"] for c in receiver.calls} == {"Bearer tok-1"}

    # a 401 means the token is no good any more: a new one is fetched for the retry
    receiver.fail_next, receiver.fail_status = 1, 401
    again = instruction()
    submit(sandbox, again)
    _callbacks(receiver, again["instruction_id"], 3)
    assert len(receiver.grants) == 2
    assert receiver.calls[-1].headers["authorization"] == "Bearer tok-2"


# ---- control -------------------------------------------------------------------------------


def test_a_settled_payment_can_be_returned(sandbox: TestClient, receiver: Receiver) -> None:
    body = instruction()
    submit(sandbox, body)
    early = sandbox.post(f"/control/instructions/{body['instruction_id']}/return")
    assert early.status_code == 409 and early.json()["code"] == "INSTRUCTION_NOT_RETURNABLE"
    settled = wait_status(sandbox, body["instruction_id"], "settled")
    returned = sandbox.post(
        f"/control/instructions/{body['instruction_id']}/return",
        json={"reason_code": "AC04", "reason": "account closed at the creditor's bank"},
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    now = status_of(sandbox, body["instruction_id"])
    assert (now["status"], now["reason_code"]) == ("returned", "AC04")
    assert now["reason"] == "account closed at the creditor's bank"
    assert now["settled_on"] == settled["settled_on"]
    events = _callbacks(receiver, body["instruction_id"], 3)
    assert [e["status"] for e in events] == ["accepted", "settled", "returned"]
    assert events[2]["reason_code"] == "AC04"
    again = sandbox.post(f"/control/instructions/{body['instruction_id']}/return")
    assert again.status_code == 409


def test_only_settled_payments_return(sandbox: TestClient) -> None:
    unknown = sandbox.post("/control/instructions/NOPE/return")
    assert unknown.status_code == 404 and unknown.json()["code"] == "INSTRUCTION_NOT_FOUND"
    body = remittance()
    submit(sandbox, body)
    wait_status(sandbox, body["instruction_id"], "settled")
    refused = sandbox.post(f"/control/instructions/{body['instruction_id']}/return")
    assert refused.status_code == 409
    rejected = instruction()
    rejected["creditor"] = {**rejected["creditor"], "account": "9999"}
    submit(sandbox, rejected)
    wait_status(sandbox, rejected["instruction_id"], "rejected")
    assert (
        sandbox.post(f"/control/instructions/{rejected['instruction_id']}/return").status_code
        == 409
    )
    bad = sandbox.post(
        f"/control/instructions/{rejected['instruction_id']}/return", json={"reason_code": "x"}
    )
    assert bad.status_code == 422


def test_an_unavailable_treasury_answers_503_to_everything_finance_asks(
    sandbox: TestClient,
) -> None:
    body = instruction()
    submit(sandbox, body)
    assert sandbox.put("/control", json={"available": False}).json()["available"] is False
    for response in (
        submit(sandbox, instruction()),
        sandbox.post("/instructions", content=b"unsigned"),
        signed_get(sandbox, f"/instructions/{body['instruction_id']}"),
        signed_get(sandbox, f"/statements?date={today()}"),
    ):
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "TREASURY_UNAVAILABLE"
        assert response.headers["retry-after"]
    assert sandbox.get("/healthz").status_code == 200, "the process itself is fine"
    sandbox.put("/control", json={"available": True})
    assert status_of(sandbox, body["instruction_id"])["instruction_id"] == body["instruction_id"]


def test_control_can_be_switched_off(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(control_enabled=False)
    assert sandbox.get("/control").status_code == 404
    assert sandbox.put("/control", json={"available": False}).status_code == 404
    assert sandbox.post("/control/instructions/X/return").status_code == 404
    assert submit(sandbox, instruction()).status_code == 202
