"""Reading a camt.053 statement (001.02 and 001.08): booked entries and their details as
statement lines; a bad document refused, a bad entry refused by its number."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from services.finance.treasury.iso20022 import (
    StatementFormatError,
    StatementLine,
    pain001,
    parse_camt053,
    parse_statement,
)
from tests.finance.iso20022_support import BEIJING, TSA, batch, camt, camt_xsd, entry, sample, tx


def expected_lines(version: int) -> tuple[StatementLine, ...]:
    day = date(2026, 3, 2)
    supplier = ("北京某某科技有限公司", "6222020200112233445")
    return (
        StatementLine("PAY-1", Decimal("300.50"), "DBIT", day, "B-1", *supplier),
        StatementLine("PAY-2", Decimal("0.10"), "DBIT", day, "B-2/1", *supplier),
        StatementLine("PAY-3", Decimal("0.20"), "DBIT", day, "B-2/2", "张三", "6217"),
        StatementLine(None, Decimal("1000.00"), "DBIT", day, "B-2/3", None, None),
        StatementLine(
            None, Decimal("12.34"), "CRDT", day, "B-4", "市财政局", "0200001234567890123"
        ),
        StatementLine(None, Decimal("8.00"), "DBIT", day, "B-5", None, None),
    )


@pytest.mark.parametrize("version", [8, 2])
def test_camt053_reads_booked_entries(version: int) -> None:
    document = sample(version)
    camt_xsd(version).validate(document)
    statement = parse_camt053(document)
    assert statement.statement_id == "STMT-20260302"
    assert statement.account == TSA
    assert statement.created_at == datetime(2026, 3, 2, 18, 0, tzinfo=BEIJING)
    assert statement.lines == expected_lines(version)
    assert all(isinstance(line.amount, Decimal) for line in statement.lines)
    assert [str(line.amount) for line in statement.lines] == [
        "300.50",
        "0.10",
        "0.20",
        "1000.00",
        "12.34",
        "8.00",
    ]
    assert sum(line.amount for line in statement.lines[1:4]) == Decimal("1000.30")
    assert parse_statement(document, "application/xml") == statement


def test_camt053_batch_with_own_references_and_iban_account() -> None:
    document = camt(
        8,
        entry(
            8,
            "3.00",
            "CRDT",
            tx(8, ref="T-1", amount="1.00", e2e="R-1"),
            tx(8, ref="T-2", amount="2.00"),
            ref="B-9",
        ),
        account="<IBAN>DE89370400440532013000</IBAN>",
        statement="<Id>S-2</Id>",
    )
    camt_xsd(8).validate(document)
    statement = parse_camt053(document)
    assert statement.account == "DE89370400440532013000"
    assert statement.created_at is None
    assert [(line.reference, line.end_to_end_id) for line in statement.lines] == [
        ("T-1", "R-1"),
        ("T-2", None),
    ]


def test_camt053_debit_and_credit_details_net_to_the_entry() -> None:
    details = (
        tx(8, amount="10.00", direction="DBIT", e2e="A"),
        tx(8, amount="2.50", direction="CRDT", e2e="B"),
    )
    statement = parse_camt053(camt(8, entry(8, "7.50", "DBIT", *details, ref="N-1")))
    assert [(line.direction, line.amount) for line in statement.lines] == [
        ("DBIT", Decimal("10.00")),
        ("CRDT", Decimal("2.50")),
    ]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">&d;</Document>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Id>&x;</Id></Stmt></BkToCstmrStmt></Document>"""
PLAIN_DOCTYPE = b"<!DOCTYPE Document><Document/>"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "not well-formed"),
        (b"<Document><BkToCstmrStmt></Document>", "not well-formed XML at line 1"),
        (b"statement_id,account\n", "not well-formed"),
        (BOMB, "DOCTYPE"),
        (XXE, "DOCTYPE"),
        (PLAIN_DOCTYPE, "DOCTYPE"),
        (b"<Document/>", "not a camt.053"),
        (camt(8, namespace="urn:iso:std:iso:20022:tech:xsd:camt.053.001.09"), "not a camt.053"),
        (camt(8, namespace="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"), "not a camt.053"),
        (pain001(batch()), "not a camt.053"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'/>",
            "missing BkToCstmrStmt",
        ),
        (camt(8, statements=0), "exactly one BkToCstmrStmt/Stmt, found 0"),
        (camt(8, statements=2), "exactly one BkToCstmrStmt/Stmt, found 2"),
        (camt(8, statement=""), "missing Stmt/Id"),
        (camt(8, statement="<Id> </Id>"), "Stmt/Id is empty"),
        (camt(8, statement="<Id>S</Id><CreDtTm>yesterday</CreDtTm>"), "Stmt/CreDtTm"),
        (camt(8, account="<Othr><SchmeNm/></Othr>"), "missing Stmt/Acct/Id/IBAN or"),
    ],
)
def test_camt053_refuses_bad_documents(document: bytes, message: str) -> None:
    with pytest.raises(StatementFormatError, match=message):
        parse_camt053(document)


PENDING = entry(8, "1.00", "CRDT", status="PDNG", booked=None)


@pytest.mark.parametrize(
    ("bad_entry", "message"),
    [
        (entry(8, "1.00", "DBIT").replace("<Amt Ccy='CNY'>1.00</Amt>", ""), "missing Amt"),
        (entry(8, "1.00", "DBIT", currency=""), "Amt: missing or bad Ccy"),
        (entry(8, "-1.00", "DBIT"), "Amt: '-1.00' is not an amount"),
        (entry(8, "0.00", "DBIT"), "Amt: must be above zero"),
        (entry(8, "1.005", "DBIT"), "more than two decimals"),
        (entry(8, "1.00", "DEBIT"), "CdtDbtInd: expected DBIT or CRDT"),
        (entry(8, "1.00", "DBIT").replace("<CdtDbtInd>DBIT</CdtDbtInd>", ""), "missing CdtDbtInd"),
        (entry(8, "1.00", "DBIT").replace("<Sts><Cd>BOOK</Cd></Sts>", ""), "missing Sts"),
        (entry(8, "1.00", "DBIT", booked=None), "missing BookgDt"),
        (entry(8, "1.00", "DBIT", booked="<Dt>2026-02-30</Dt>"), "BookgDt/Dt: '2026-02-30'"),
        (entry(8, "1.00", "DBIT", booked="<DtTm>noon</DtTm>"), "BookgDt/DtTm"),
        (
            entry(8, "3.00", "DBIT", tx(8, amount="1.00"), tx(8, e2e="X")),
            "TxDtls 2: no Amt or AmtDtls/TxAmt/Amt",
        ),
        (
            entry(8, "3.00", "DBIT", tx(8, amount="1.00"), tx(8, amount="1.99")),
            "the TxDtls net to -2.99 but the entry is -3.00",
        ),
        (entry(8, "3.00", "DBIT", tx(8, amount="3.00", currency="USD")), "TxDtls 1: currency USD"),
        (entry(8, "3.00", "DBIT", tx(8, amount="3.00", direction="X")), "TxDtls 1: CdtDbtInd"),
        (entry(8, "1.00", "DBIT", ref="B-1"), "AcctSvcrRef 'B-1' repeats entry 1"),
    ],
)
def test_camt053_names_the_entry_at_fault(bad_entry: str, message: str) -> None:
    document = camt(8, entry(8, "9.00", "DBIT", ref="B-1"), PENDING, bad_entry)
    with pytest.raises(StatementFormatError, match=f"^entry 3: .*{message}") as caught:
        parse_camt053(document)
    assert caught.value.entry == 3
