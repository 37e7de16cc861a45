"""A restart continues where the last process stopped: due steps and unsent callbacks."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.treasury.conftest import (
    Receiver,
    SandboxFactory,
    instruction,
    status_of,
    stored_callbacks,
    submit,
    wait_for,
    wait_status,
)


def _stop(client: TestClient) -> None:
    client.__exit__(None, None, None)


def test_a_pending_instruction_moves_on_after_a_restart(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    first = make_sandbox(accept_delay_seconds=0.4)
    body = instruction()
    assert submit(first, body).status_code == 202
    _stop(first)
    assert receiver.calls == []

    second = make_sandbox(accept_delay_seconds=0.4)
    assert status_of(second, body["instruction_id"])["status"] in {"received", "accepted"}
    settled = wait_status(second, body["instruction_id"], "settled")
    assert settled["settled_on"]
    wait_for(lambda: len(receiver.calls) == 2, what="both callbacks")
    assert receiver.statuses(body["instruction_id"]) == ["accepted", "settled"]
    # the same instruction sent again to the new process is still the same instruction
    assert submit(second, body).status_code == 200


def test_callbacks_not_yet_delivered_are_sent_after_a_restart(
    make_sandbox: SandboxFactory, receiver: Receiver
) -> None:
    receiver.fail_next = 1_000_000
    first = make_sandbox(callback_attempts=1000, callback_backoff_seconds=0.05)
    body = instruction()
    submit(first, body)
    wait_status(first, body["instruction_id"], "settled")
    wait_for(lambda: len(receiver.calls) >= 2, what="a few failed tries")
    _stop(first)
    tried = {call.body["event_id"] for call in receiver.calls}
    assert len(tried) == 1, "the second waits for the first (order per instruction)"

    receiver.reset()
    second = make_sandbox(callback_attempts=1000, callback_backoff_seconds=0.05)
    wait_for(lambda: len(receiver.calls) == 2, seconds=15, what="both callbacks after restart")
    events = receiver.events()
    assert [e["status"] for e in events] == ["accepted", "settled"]
    assert events[0]["event_id"] in tried, "the same event, not a new one"
    wait_for(lambda: all(c["state"] == "delivered" for c in stored_callbacks(second)))
