"""Statements of the treasury single account: what is booked, on which day, in both formats."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.types import today
from tests.treasury.conftest import (
    instruction,
    remittance,
    signed_get,
    submit,
    wait_status,
)

NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"}
HEADER = (
    "statement_id,account,booked_on,direction,amount,currency,end_to_end_id,"
    "counterparty_name,counterparty_account,reference"
)


@pytest.fixture
def booked(sandbox: TestClient) -> dict[str, dict[str, Any]]:
    """A settled payment, a settled remittance, a payment settled and returned, a rejected
    payment: everything a statement may or may not show."""
    paid = instruction(amount="100.00")
    paid["creditor"] = {"name": "北京某某公司", "account": "6222000011", "bank": "ICBC"}
    remitted = remittance(amount="250.50")
    returned = instruction(amount="75.25")
    returned["creditor"] = {"name": "Closed Co", "account": "6222999988", "bank": "CCB"}
    rejected = instruction()
    rejected["creditor"] = {**rejected["creditor"], "account": "9999123"}
    for body in (paid, remitted, returned, rejected):
        assert submit(sandbox, body).status_code == 202
    for body in (paid, remitted, returned):
        wait_status(sandbox, body["instruction_id"], "settled")
    wait_status(sandbox, rejected["instruction_id"], "rejected")
    response = sandbox.post(f"/control/instructions/{returned['instruction_id']}/return")
    assert response.status_code == 200
    return {"paid": paid, "remitted": remitted, "returned": returned, "rejected": rejected}


def _statement(sandbox: TestClient, query: str) -> Any:
    response = signed_get(sandbox, f"/statements?{query}")
    assert response.status_code == 200, response.text
    return response


def _entries(xml: bytes) -> list[dict[str, str | None]]:
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    result = []
    for ntry in root.findall("c:BkToCstmrStmt/c:Stmt/c:Ntry", NS):
        direction = ntry.findtext("c:CdtDbtInd", namespaces=NS)
        party = "Cdtr" if direction == "DBIT" else "Dbtr"
        amount = ntry.find("c:Amt", NS)
        assert amount is not None
        details = "c:NtryDtls/c:TxDtls/"
        result.append(
            {
                "amount": amount.text,
                "currency": amount.get("Ccy"),
                "direction": direction,
                "status": ntry.findtext("c:Sts/c:Cd", namespaces=NS),
                "booked_on": ntry.findtext("c:BookgDt/c:Dt", namespaces=NS),
                "value_on": ntry.findtext("c:ValDt/c:Dt", namespaces=NS),
                "reference": ntry.findtext("c:AcctSvcrRef", namespaces=NS),
                "code": ntry.findtext("c:BkTxCd/c:Prtry/c:Cd", namespaces=NS),
                "end_to_end_id": ntry.findtext(f"{details}c:Refs/c:EndToEndId", namespaces=NS),
                "name": ntry.findtext(f"{details}c:RltdPties/c:{party}/c:Pty/c:Nm", namespaces=NS),
                "account": ntry.findtext(
                    f"{details}c:RltdPties/c:{party}Acct/c:Id/c:Othr/c:Id", namespaces=NS
                ),
            }
        )
    return result


def test_camt053_lists_the_days_bookings(
    sandbox: TestClient, booked: dict[str, dict[str, Any]]
) -> None:
    day = today()
    response = _statement(sandbox, f"date={day}")
    assert response.headers["content-type"].startswith("application/xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.08}Document"
    ident = f"STMT-{day:%Y%m%d}"
    assert root.findtext("c:BkToCstmrStmt/c:GrpHdr/c:MsgId", namespaces=NS) == ident
    assert root.findtext("c:BkToCstmrStmt/c:GrpHdr/c:CreDtTm", namespaces=NS)
    stmt = "c:BkToCstmrStmt/c:Stmt/"
    assert root.findtext(f"{stmt}c:Id", namespaces=NS) == ident
    assert root.findtext(f"{stmt}c:CreDtTm", namespaces=NS)
    assert root.findtext(f"{stmt}c:Acct/c:Id/c:Othr/c:Id", namespaces=NS) == "TSA-0001"

    entries = _entries(response.content)
    paid, remitted, returned = booked["paid"], booked["remitted"], booked["returned"]
    expected = [
        (paid, "100.00", "DBIT", "PMNT", "北京某某公司", "6222000011"),
        (remitted, "250.50", "CRDT", "RMTC", "Parking revenue account", "3100998877"),
        (returned, "75.25", "DBIT", "PMNT", "Closed Co", "6222999988"),
        (returned, "75.25", "CRDT", "RTRN", "Closed Co", "6222999988"),
    ]
    by_order = sorted(entries, key=lambda e: (str(e["end_to_end_id"]), str(e["code"])))
    want = sorted(expected, key=lambda e: (e[0]["instruction_id"], e[3]))
    assert len(entries) == 4, "the rejected instruction books nothing"
    for entry, (body, amount, direction, code, name, account) in zip(by_order, want, strict=True):
        assert entry["end_to_end_id"] == body["instruction_id"]
        assert (entry["amount"], entry["currency"]) == (amount, "CNY")
        assert (entry["direction"], entry["code"], entry["status"]) == (direction, code, "BOOK")
        assert entry["booked_on"] == entry["value_on"] == day.isoformat()
        assert (entry["name"], entry["account"]) == (name, account)
    references = [e["reference"] for e in entries]
    assert all(references) and len(set(references)) == 4


def test_csv_has_the_same_entries(sandbox: TestClient, booked: dict[str, dict[str, Any]]) -> None:
    day = today()
    response = _statement(sandbox, f"date={day}&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4
    assert {r["statement_id"] for r in rows} == {f"STMT-{day:%Y%m%d}"}
    assert {r["account"] for r in rows} == {"TSA-0001"}
    assert {r["booked_on"] for r in rows} == {day.isoformat()}
    summary = sorted((r["end_to_end_id"], r["direction"], r["amount"]) for r in rows)
    assert summary == sorted(
        [
            (booked["paid"]["instruction_id"], "DBIT", "100.00"),
            (booked["remitted"]["instruction_id"], "CRDT", "250.50"),
            (booked["returned"]["instruction_id"], "DBIT", "75.25"),
            (booked["returned"]["instruction_id"], "CRDT", "75.25"),
        ]
    )
    paid = next(r for r in rows if r["end_to_end_id"] == booked["paid"]["instruction_id"])
    assert (paid["counterparty_name"], paid["counterparty_account"]) == (
        "北京某某公司",
        "6222000011",
    )
    assert {r["currency"] for r in rows} == {"CNY"}
    xml_refs = {e["reference"] for e in _entries(_statement(sandbox, f"date={day}").content)}
    assert {r["reference"] for r in rows} == xml_refs, "one booking, one reference"


def test_the_same_day_asked_twice_is_the_same_statement(
    sandbox: TestClient, booked: dict[str, dict[str, Any]]
) -> None:
    query = f"date={today()}&format=csv"
    assert _statement(sandbox, query).content == _statement(sandbox, query).content
    first = _entries(_statement(sandbox, f"date={today()}").content)
    assert _entries(_statement(sandbox, f"date={today()}").content) == first


def test_an_account_filter_keeps_the_entries_naming_it(
    sandbox: TestClient, booked: dict[str, dict[str, Any]]
) -> None:
    day = today()
    response = _statement(sandbox, f"date={day}&account=6222999988&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["direction"], r["amount"]) for r in rows] == [("DBIT", "75.25"), ("CRDT", "75.25")]
    assert {r["statement_id"] for r in rows} == {f"STMT-{day:%Y%m%d}-6222999988"}
    # the debtor account of a remittance matches too
    xml = _statement(sandbox, f"date={day}&account=3100998877").content
    root = ET.fromstring(xml)  # noqa: S314 - our own output
    stmt_id = root.findtext("c:BkToCstmrStmt/c:Stmt/c:Id", namespaces=NS)
    assert stmt_id == f"STMT-{day:%Y%m%d}-3100998877"
    assert [e["code"] for e in _entries(xml)] == ["RMTC"]


def test_another_day_has_no_entries(sandbox: TestClient, booked: dict[str, dict[str, Any]]) -> None:
    yesterday = today() - timedelta(days=1)
    assert _entries(_statement(sandbox, f"date={yesterday}").content) == []
    text = _statement(sandbox, f"date={yesterday}&format=csv").text
    assert text.strip() == HEADER


def test_bad_statement_queries_are_422(sandbox: TestClient) -> None:
    for query in (
        "",
        "date=yesterday",
        f"date={today()}&format=mt940",
        "date=2025-01-01&account=a b",
    ):
        response = signed_get(sandbox, f"/statements?{query}")
        assert response.status_code == 422, query
        assert response.json()["code"] == "VALIDATION_FAILED"


def test_camt053_is_valid_against_the_official_schema_with_its_balances(
    sandbox: TestClient, booked: dict[str, dict[str, Any]]
) -> None:
    from tests.finance.iso20022_support import camt_xsd

    response = _statement(sandbox, f"date={today()}")
    camt_xsd(8).validate(response.content)
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    balances = {
        bal.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=NS): (
            bal.findtext("c:Amt", namespaces=NS),
            bal.findtext("c:CdtDbtInd", namespaces=NS),
        )
        for bal in root.findall("c:BkToCstmrStmt/c:Stmt/c:Bal", NS)
    }
    # the account starts at zero today: -100.00 + 250.50 - 75.25 + 75.25 = 150.50 in credit
    assert balances == {"OPBD": ("0.00", "CRDT"), "CLBD": ("150.50", "CRDT")}
    tomorrow = _statement(sandbox, f"date={today() + timedelta(days=1)}")
    camt_xsd(8).validate(tomorrow.content)
    assert b"<Cd>OPBD</Cd>" in tomorrow.content and b"150.50" in tomorrow.content
