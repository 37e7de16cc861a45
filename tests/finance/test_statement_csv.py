"""Reading the statement CSV: its columns in any order; a bad file refused by its row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.finance.treasury.iso20022 import (
    CSV_COLUMNS,
    Statement,
    StatementFormatError,
    StatementLine,
    parse_statement,
    parse_statement_csv,
)
from tests.finance.iso20022_support import HEADER, TSA, csv_file, row


def test_statement_csv_happy_path() -> None:
    data = csv_file(
        row(
            end_to_end_id="PAY-1",
            amount="300.50",
            counterparty_name='"某某公司, 分公司"',
            counterparty_account="6222020200112233445",
            reference="B-1",
        ),
        row(end_to_end_id="NOTPROVIDED", amount="0.10", reference="B-2"),
        "",
        row(direction="CRDT", amount="1000", booked_on="2026-03-03", reference="B-3"),
        ",,,,,,,,,",
        bom=True,
    )
    statement = parse_statement_csv(data)
    assert statement == Statement(
        "S-1",
        TSA,
        None,
        (
            StatementLine(
                "PAY-1",
                Decimal("300.50"),
                "DBIT",
                date(2026, 3, 2),
                "B-1",
                "某某公司, 分公司",
                "6222020200112233445",
            ),
            StatementLine(None, Decimal("0.10"), "DBIT", date(2026, 3, 2), "B-2", None, None),
            StatementLine(None, Decimal("1000.00"), "CRDT", date(2026, 3, 3), "B-3", None, None),
        ),
    )
    assert [str(line.amount) for line in statement.lines] == ["300.50", "0.10", "1000.00"]
    assert parse_statement(data, "text/csv; charset=utf-8") == statement
    assert parse_statement(data, "statement.CSV") == statement
    assert parse_statement(data) == statement


def test_statement_csv_columns_in_any_order() -> None:
    columns = list(reversed(CSV_COLUMNS))
    values = dict(zip(CSV_COLUMNS, row(amount="2.50").split(","), strict=True))
    data = csv_file(",".join(values[c] for c in columns), header=",".join(columns))
    (line,) = parse_statement_csv(data).lines
    assert line.amount == Decimal("2.50")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (csv_file(), "no rows"),
        (csv_file(bom=True, header=HEADER + "\r\n,,,"), "no rows"),
        (
            csv_file(row(), header=HEADER.replace(",reference", "")),
            "row 1: bad header .*missing reference",
        ),
        (csv_file(row(), header=HEADER + ",memo"), "row 1: bad header .*unknown memo"),
        (
            csv_file(row(), header=HEADER.replace("currency", "account")),
            "row 1: .*repeated account",
        ),
        (
            csv_file(row(), row(statement_id="S-2")),
            "row 3: statement_id 'S-2' differs from 'S-1' in row 2",
        ),
        (csv_file(row(), row(), row(account="OTHER")), "row 4: account 'OTHER' differs"),
        (csv_file(row(statement_id="")), "row 2: statement_id is empty"),
        (csv_file(row(booked_on="2026/03/02")), "row 2: booked_on: '2026/03/02' is not a date"),
        (csv_file(row(booked_on="20260302")), "row 2: booked_on"),
        (csv_file(row(booked_on="2026-13-01")), "row 2: booked_on"),
        (csv_file(row(direction="debit")), "row 2: direction: expected DBIT or CRDT"),
        (csv_file(row(amount="-1.00")), "row 2: amount: '-1.00' is not an amount"),
        (csv_file(row(amount="0.00")), "row 2: amount: must be above zero"),
        (csv_file(row(amount="1.005")), "row 2: amount: 1.005 has fractions of a fen"),
        (csv_file(row(amount="1e3")), "row 2: amount: '1e3' is not an amount"),
        (csv_file(row(amount='"1,000.00"')), "row 2: amount: '1,000.00' is not an amount"),
        (csv_file(row(amount="")), "row 2: amount is empty"),
        (csv_file(row(currency="cny")), "row 2: currency"),
        (csv_file(row(end_to_end_id="E" * 36)), "row 2: end_to_end_id: at most 35"),
        (csv_file(row(), row() + ",extra"), "row 3: expected 10 fields, found 11"),
        (
            csv_file(row(reference="B-1"), row(reference="X"), row(reference="B-1")),
            "row 4: reference 'B-1' repeats row 2",
        ),
        (csv_file(row(counterparty_name='"unclosed')), "row 2: unreadable CSV"),
        (
            HEADER.encode() + b"\n" + row(counterparty_name="某公司").encode("gbk"),
            "the CSV is not UTF-8",
        ),
    ],
)
def test_statement_csv_refuses_bad_files(data: bytes, message: str) -> None:
    with pytest.raises(StatementFormatError, match=f"^{message}"):
        parse_statement_csv(data)
