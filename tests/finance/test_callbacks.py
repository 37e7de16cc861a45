"""The callback endpoint refuses what is not genuinely, freshly from the treasury."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from shared import webhooks
from shared.types import today
from tests.finance.conftest import (
    AUDITOR,
    OFFICER,
    approve,
    make_line,
    make_unit,
    ok,
    raise_payment,
)
from tests.finance.treasury_support import CALLBACK_SECRET, Linked, linked_servers
from tests.support.databases import Databases
from tests.support.tokens import bearer

TREASURY = bearer("treasury", sub="service:treasury")


@pytest.fixture
def linked(databases: Databases, tmp_path: Path) -> Any:
    # callbacks dropped: the tests play the treasury's callbacks themselves
    with linked_servers(databases, tmp_path, callback_mode="drop") as pair:
        yield pair


def submitted(linked: Linked) -> dict[str, Any]:
    unit = make_unit(linked.http)
    line = make_line(linked.http, unit["id"])
    payment = raise_payment(linked.http, unit["id"], line["id"], "88.00")
    ok(approve(linked.http, payment["id"]))
    return ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)


def callback(instruction_id: str, status: str = "settled") -> bytes:
    return json.dumps(
        {
            "type": "payment.status",
            "event_id": "evt_1",
            "instruction_id": instruction_id,
            "kind": "payment",
            "status": status,
            "reason_code": None,
            "reason": None,
            "amount": "88.00",
            "currency": "CNY",
            "settled_on": today().isoformat(),
            "occurred_at": "2026-11-26T08:00:00Z",
        }
    ).encode()


def post(
    linked: Linked, body: bytes, headers: dict[str, str], token: dict[str, str] = TREASURY
) -> Any:
    return linked.http.post(
        "/treasury/callbacks",
        content=body,
        headers={**token, **headers, "content-type": "application/json"},
    )


def test_forged_stale_and_unsigned_callbacks_are_refused_and_logged(linked: Linked) -> None:
    payment = submitted(linked)
    body = callback(payment["instruction_id"])
    forged = webhooks.sign(webhooks.new_secret(b"not-the-secret-0000000000000000"), "evt_f", body)
    assert post(linked, body, forged).json()["code"] == "CALLBACK_BAD_SIGNATURE"
    stale = webhooks.sign(CALLBACK_SECRET, "evt_s", body, timestamp=int(time.time()) - 301)
    assert post(linked, body, stale).json()["code"] == "CALLBACK_STALE_TIMESTAMP"
    assert post(linked, body, {}).status_code == 401
    tampered = webhooks.sign(CALLBACK_SECRET, "evt_t", body)
    response = post(linked, body.replace(b"88.00", b"99.00"), tampered)
    assert response.status_code == 401
    # none of them changed the payment, every one is in the audit log
    payment_now = ok(linked.http.get(f"/payments/{payment['id']}", headers=AUDITOR))
    assert payment_now["status"] == "submitted"
    audit = ok(linked.http.get("/audit", params={"limit": 200}, headers=AUDITOR))["items"]
    refusals = [e for e in audit if e["action"] == "treasury.callback_refused"]
    assert len(refusals) == 4


def test_only_the_treasury_role_may_call_back(linked: Linked) -> None:
    payment = submitted(linked)
    body = callback(payment["instruction_id"])
    headers = webhooks.sign(CALLBACK_SECRET, "evt_x", body)
    assert post(linked, body, headers, token=OFFICER).status_code == 403


def test_a_replayed_callback_is_acknowledged_and_ignored(linked: Linked) -> None:
    payment = submitted(linked)
    body = callback(payment["instruction_id"])
    headers = webhooks.sign(CALLBACK_SECRET, "evt_once", body)
    first = post(linked, body, headers)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    replay = post(linked, body, headers)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    entries = ok(linked.http.get("/journal-entries", params={"source": "payment"}, headers=AUDITOR))
    assert entries["total"] == 1
    # a late, out-of-order "accepted" after settlement changes nothing
    late = callback(payment["instruction_id"], "accepted")
    ok(post(linked, late, webhooks.sign(CALLBACK_SECRET, "evt_late", late)))
    assert ok(linked.http.get(f"/payments/{payment['id']}", headers=AUDITOR))["status"] == "settled"


def test_a_callback_about_an_unknown_instruction_is_404(linked: Linked) -> None:
    body = callback("PAY-NOT-OURS")
    assert post(linked, body, webhooks.sign(CALLBACK_SECRET, "evt_u", body)).status_code == 404
