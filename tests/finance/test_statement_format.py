"""A statement in either format: camt.053 XML or the statement CSV told apart by the content,
a declared type that says otherwise refused."""

from __future__ import annotations

import pytest

from services.finance.treasury.iso20022 import StatementFormatError, parse_camt053, parse_statement
from tests.finance.iso20022_support import csv_file, row, sample


def test_parse_statement_tells_xml_from_csv() -> None:
    document = sample(8)
    expected = parse_camt053(document)
    assert parse_statement(document) == expected
    assert parse_statement(b"\xef\xbb\xbf" + document, "statement.xml") == expected
    undeclared = document.split(b"?>", 1)[1]
    assert parse_statement(b" \r\n\t" + undeclared, "camt053.XML") == expected
    assert parse_statement(undeclared.decode().encode("utf-16")) == expected
    assert parse_statement(document, "application/octet-stream") == expected
    assert parse_statement(document, "application/vnd.camt+xml") == expected
    with pytest.raises(StatementFormatError, match=r"declared as CSV .* but the content is XML"):
        parse_statement(document, "statement.csv")
    with pytest.raises(StatementFormatError, match=r"declared as XML .* but the content is CSV"):
        parse_statement(csv_file(row()), "text/xml")
    with pytest.raises(StatementFormatError, match="no rows"):
        parse_statement(csv_file(), "text/plain")
