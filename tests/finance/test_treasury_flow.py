"""A payment's whole way against the treasury sandbox over real HTTP: request → approve →
submit → callbacks → settled → exactly one journal entry; and what happens when callbacks
are duplicated or lost, the treasury is down, rejects or returns a payment."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from shared.types import today
from tests.finance.conftest import (
    APPROVER,
    AUDITOR,
    OFFICER,
    approve,
    make_line,
    make_unit,
    ok,
    ok_list,
    raise_payment,
)
from tests.finance.treasury_support import Linked, linked_servers
from tests.support.databases import Databases


@pytest.fixture
def linked(databases: Databases, tmp_path: Path) -> Any:
    with linked_servers(databases, tmp_path) as pair:
        yield pair


def approved_payment(linked: Linked, amount: str = "1200.00", **fields: Any) -> dict[str, Any]:
    unit = make_unit(linked.http, f"U{uuid.uuid4().hex[:6].upper()}")
    line = make_line(linked.http, unit["id"], "100000.00")
    payment = raise_payment(linked.http, unit["id"], line["id"], amount, **fields)
    ok(approve(linked.http, payment["id"]))
    return payment


def payment_of(linked: Linked, payment_id: str) -> dict[str, Any]:
    return ok(linked.http.get(f"/payments/{payment_id}", headers=AUDITOR))


def payment_entries(linked: Linked) -> list[dict[str, Any]]:
    page = ok(linked.http.get("/journal-entries", params={"source": "payment"}, headers=AUDITOR))
    items: list[dict[str, Any]] = page["items"]
    return items


def settle(linked: Linked, payment_id: str) -> dict[str, Any]:
    linked.wait_for(
        lambda: payment_of(linked, payment_id)["status"] == "settled", what="settlement"
    )
    return payment_of(linked, payment_id)


def test_payment_settles_with_exactly_one_journal_entry(linked: Linked) -> None:
    payment = approved_payment(linked)
    submitted = ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    assert submitted["status"] in ("submitted", "accepted", "settled")
    assert submitted["instruction_id"].startswith("PAY-")
    settled = settle(linked, payment["id"])
    assert settled["settled_on"] is not None
    entries = payment_entries(linked)
    assert len(entries) == 1
    assert entries[0]["id"] == settled["entry_id"]
    assert {
        (line["account_code"], line["debit"], line["credit"]) for line in entries[0]["lines"]
    } == {
        ("5001", "1200.00", "0.00"),
        ("4001", "0.00", "1200.00"),
    }
    row = ok(linked.http.get("/budget/execution", headers=AUDITOR))["rows"][0]
    assert (row["committed"], row["paid"]) == ("0.00", "1200.00")
    # submitting again is refused: the payment is past that
    assert linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER).status_code == 409


def test_duplicate_callbacks_apply_once(linked: Linked) -> None:
    linked.control(callback_mode="duplicate")
    payment = approved_payment(linked)
    ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    settle(linked, payment["id"])
    linked.sender.poll_quiet()  # a poll on top of the callbacks changes nothing either
    assert len(payment_entries(linked)) == 1


def test_lost_callbacks_are_recovered_by_polling(linked: Linked) -> None:
    linked.control(callback_mode="drop")
    payment = approved_payment(linked)
    submitted = ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    assert submitted["status"] == "submitted"
    instruction = submitted["instruction_id"]
    # the sandbox settles it but never says so; finance polls what it has not heard about
    linked.wait_for(
        lambda: _treasury_status(linked, instruction) == "settled", what="sandbox settlement"
    )
    assert payment_of(linked, payment["id"])["status"] == "submitted"
    assert linked.sender.poll_quiet() >= 1
    assert payment_of(linked, payment["id"])["status"] == "settled"
    assert len(payment_entries(linked)) == 1


def _treasury_status(linked: Linked, instruction_id: str) -> str | None:
    report = linked.finance.state.treasury_client.status(instruction_id)
    return None if report is None else report.status


def _export_by_file(linked: Linked, count: int) -> list[str]:
    """``count`` approved direct payments exported in one pain.001 file: their instructions
    wait for the treasury to load the file (nothing is sent over HTTP)."""
    ids = [approved_payment(linked, "10.00")["id"] for _ in range(count)]
    body = {"payment_ids": ids}
    exported = linked.http.post("/payment-batches/pain001", json=body, headers=OFFICER)
    assert exported.status_code == 200, exported.text
    return ids


def test_a_lost_callback_is_polled_before_the_files_waiting_to_be_loaded(linked: Linked) -> None:
    """The demo's payroll paid by file leaves 1,340 instructions waiting: a settlement whose
    callback the treasury gave up on must not wait behind them for minutes."""
    _export_by_file(linked, 3)
    linked.sender.file_poll_after_seconds = 0
    assert linked.sender.poll_quiet() == 3  # asked about: not loaded yet
    linked.control(callback_mode="drop")
    payment = approved_payment(linked)
    submitted = ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    linked.wait_for(
        lambda: _treasury_status(linked, submitted["instruction_id"]) == "settled",
        what="sandbox settlement",
    )
    # a pass with room for one poll (the files were asked about before the payment was
    # last heard of): the payment in flight is asked first
    linked.sender.batch = 1
    assert linked.sender.poll_quiet() == 1
    assert payment_of(linked, payment["id"])["status"] == "settled"
    assert len(payment_entries(linked)) == 1


def test_a_file_waiting_to_be_loaded_is_asked_about_only_after_its_own_interval(
    linked: Linked,
) -> None:
    _export_by_file(linked, 2)
    assert linked.sender.poll_quiet() == 0  # just exported: nobody has carried it yet
    linked.sender.file_poll_after_seconds = 0
    assert linked.sender.poll_quiet() == 2
    assert linked.sender.poll_quiet() == 2  # still not loaded: asked again each interval


def test_treasury_down_then_retried_and_paid_once(linked: Linked) -> None:
    linked.control(available=False)
    payment = approved_payment(linked)
    submitted = ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    assert submitted["status"] == "submitting"
    instruction = ok(
        linked.http.get(f"/treasury/instructions/{submitted['instruction_id']}", headers=AUDITOR)
    )
    assert instruction["status"] == "unsent" and instruction["attempts"] == 1
    assert "503" in instruction["last_error"]
    linked.control(available=True)
    linked.wait_for(lambda: linked.sender.send_due() > 0, seconds=5, what="the retry")
    settle(linked, payment["id"])
    # the same instruction sent once more (a lost answer, a second worker): paid once
    body = dict(instruction["payload"])
    again = linked.finance.state.treasury_client.submit(body)
    assert again.status == "settled"
    assert len(payment_entries(linked)) == 1


def test_rejection_fails_the_payment_and_releases_the_money(linked: Linked) -> None:
    payment = approved_payment(linked, payee_account="9999000011112222")
    ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    linked.wait_for(lambda: payment_of(linked, payment["id"])["status"] == "failed", what="failure")
    failed = payment_of(linked, payment["id"])
    assert failed["reason_code"] == "AC06"
    row = ok(linked.http.get("/budget/execution", headers=AUDITOR))["rows"][0]
    assert (row["committed"], row["paid"], row["available"]) == ("0.00", "0.00", "100000.00")
    assert payment_entries(linked) == []


def test_returned_payment_reverses_its_entry_and_refunds_the_budget(linked: Linked) -> None:
    payment = approved_payment(linked)
    submitted = ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    settle(linked, payment["id"])
    import httpx

    returned = httpx.post(
        f"{linked.treasury_url}/control/instructions/{submitted['instruction_id']}/return",
        json={"reason_code": "AC04", "reason": "payee account closed"},
    )
    assert returned.status_code == 200, returned.text
    linked.wait_for(
        lambda: payment_of(linked, payment["id"])["status"] == "returned", what="return"
    )
    assert payment_of(linked, payment["id"])["reason_code"] == "AC04"
    row = ok(linked.http.get("/budget/execution", headers=AUDITOR))["rows"][0]
    assert (row["paid"], row["available"]) == ("0.00", "100000.00")
    tb = ok(linked.http.get("/ledger/trial-balance", headers=AUDITOR))
    assert {r["account_code"]: r["balance"] for r in tb["rows"]}["5001"] == "0.00"


def test_statement_reconciles_and_reimport_changes_nothing(linked: Linked) -> None:
    first = approved_payment(linked, "100.00")
    ok(linked.http.post(f"/payments/{first['id']}/submit", headers=OFFICER), 202)
    settle(linked, first["id"])
    report = linked.http.post("/treasury/statements/fetch", headers=OFFICER)
    assert report.status_code == 201, report.text
    data = report.json()
    assert data["matched"] == 1 and data["reconciled"] is True
    again = linked.http.post("/treasury/statements/fetch", headers=OFFICER)
    assert again.status_code == 200 and again.json() == data
    assert len(ok_list(linked.http.get("/treasury/statements", headers=AUDITOR))) == 1
    _ = APPROVER


def test_reconciliation_reports_mismatches_on_both_sides(linked: Linked) -> None:
    unit = make_unit(linked.http)
    line = make_line(linked.http, unit["id"], "100000.00")
    settled = []
    for amount in ("10.00", "20.00", "30.00"):
        payment = raise_payment(linked.http, unit["id"], line["id"], amount)
        ok(approve(linked.http, payment["id"]))
        ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
        settled.append(settle(linked, payment["id"]))
    day = settled[0]["settled_on"]
    header = (
        "statement_id,account,booked_on,direction,amount,currency,end_to_end_id,"
        "counterparty_name,counterparty_account,reference"
    )
    rows = [
        f"BANK-1,TSA-0001,{day},DBIT,10.00,CNY,{settled[0]['instruction_id']},Payee,1,R1",
        f"BANK-1,TSA-0001,{day},DBIT,25.00,CNY,{settled[1]['instruction_id']},Payee,1,R2",
        f"BANK-1,TSA-0001,{day},DBIT,5.00,CNY,SOMEONE-ELSES,Other,2,R3",
    ]
    csv = "\n".join([header, *rows]).encode()
    imported = linked.http.post(
        "/treasury/statements", content=csv, headers={**OFFICER, "content-type": "text/csv"}
    )
    assert imported.status_code == 201, imported.text
    report = imported.json()
    assert report["matched"] == 1 and report["reconciled"] is False
    assert [m["expected_amount"] for m in report["amount_mismatches"]] == ["20.00"]
    assert [u["end_to_end_id"] for u in report["unmatched_lines"]] == ["SOMEONE-ELSES"]
    assert [m["instruction_id"] for m in report["missing_from_statement"]] == [
        settled[2]["instruction_id"]
    ]
    same = linked.http.post(
        "/treasury/statements", content=csv, headers={**OFFICER, "content-type": "text/csv"}
    )
    assert same.status_code == 200 and same.json() == report
    changed = csv.replace(b"25.00", b"20.00")
    refused = linked.http.post(
        "/treasury/statements", content=changed, headers={**OFFICER, "content-type": "text/csv"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "STATEMENT_CHANGED"
    garbage = linked.http.post(
        "/treasury/statements",
        content=b"<Document>",
        headers={**OFFICER, "content-type": "application/xml"},
    )
    assert garbage.status_code == 422


def test_the_worker_sends_again_by_itself_once_the_treasury_is_back(
    databases: Databases, tmp_path: Path
) -> None:
    with linked_servers(databases, tmp_path, background=True) as pair:
        pair.control(available=False)
        payment = approved_payment(pair)
        submitted = ok(pair.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
        assert submitted["status"] == "submitting"
        pair.control(available=True)
        settle(pair, payment["id"])  # no hand on the sender: the background worker did it
        assert len(payment_entries(pair)) == 1


def test_one_failing_instruction_does_not_hold_up_the_others(
    databases: Databases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with linked_servers(databases, tmp_path, callback_mode="drop") as pair:
        first, second = approved_payment(pair, "10.00"), approved_payment(pair, "20.00")
        for payment in (first, second):
            ok(pair.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
        handlers = pair.finance.state.treasury_statuses.handlers
        follow = handlers["payment"]

        def broken(session: Any, change: Any) -> None:
            if str(change.instruction.subject_id) == first["id"]:
                raise RuntimeError("a bug in one payment's bookkeeping")
            follow(session, change)

        monkeypatch.setitem(handlers, "payment", broken)
        pair.wait_for(
            lambda: all(
                _treasury_status(pair, payment_of(pair, p["id"])["instruction_id"]) == "settled"
                for p in (first, second)
            ),
            what="sandbox settlement",
        )
        pair.sender.poll_quiet()
        assert payment_of(pair, second["id"])["status"] == "settled"
        stuck = payment_of(pair, first["id"])
        assert stuck["status"] == "submitted"
        instruction = ok(
            pair.http.get(f"/treasury/instructions/{stuck['instruction_id']}", headers=AUDITOR)
        )
        assert "a bug in one payment's bookkeeping" in instruction["last_error"]
        monkeypatch.setitem(handlers, "payment", follow)
        pair.sender.poll_quiet()
        assert payment_of(pair, first["id"])["status"] == "settled"


def test_a_bank_line_for_a_payment_our_books_hold_as_failed_is_a_state_mismatch(
    linked: Linked,
) -> None:
    payment = approved_payment(linked, payee_account="9999000011112222")
    submitted = ok(linked.http.post(f"/payments/{payment['id']}/submit", headers=OFFICER), 202)
    linked.wait_for(lambda: payment_of(linked, payment["id"])["status"] == "failed", what="failure")
    csv = (
        "statement_id,account,booked_on,direction,amount,currency,end_to_end_id,"
        "counterparty_name,counterparty_account,reference\n"
        f"BANK-9,TSA-0001,{today()},DBIT,1200.00,CNY,{submitted['instruction_id']},X,1,R9\n"
    ).encode()
    report = linked.http.post(
        "/treasury/statements", content=csv, headers={**OFFICER, "content-type": "text/csv"}
    ).json()
    assert [m["instruction_id"] for m in report["state_mismatches"]] == [
        submitted["instruction_id"]
    ]
    assert report["matched"] == 0 and report["reconciled"] is False
