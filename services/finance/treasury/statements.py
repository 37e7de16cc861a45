"""A statement of a treasury account in either format: camt.053 XML or the statement CSV,
told apart by the content (rules of each in ``statement_camt053.py`` and ``statement_csv.py``,
common ones in ``statement_lines.py``)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

from services.finance.treasury.statement_camt053 import parse_camt053
from services.finance.treasury.statement_csv import parse_statement_csv
from services.finance.treasury.statement_lines import Statement, StatementFormatError

Kind = Literal["xml", "csv"]
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_XML_TYPES = ("application/xml", "text/xml")
_CSV_TYPES = ("text/csv", "application/csv")


def _sniff(data: bytes) -> Kind:
    """XML when the content starts with ``<`` (after a BOM and whitespace), else CSV."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            start = data[:64].decode(codec, errors="ignore").lstrip("\ufeff \t\r\n")
            return "xml" if start.startswith("<") else "csv"
    return "xml" if data.lstrip(b" \t\r\n").startswith(b"<") else "csv"


def _declared(hint: str | None) -> Kind | None:
    """What a content type (``text/csv; charset=utf-8``) or a file name (``a.xml``) says."""
    if not hint:
        return None
    media = hint.split(";", 1)[0].strip().lower()
    if media in _XML_TYPES or media.endswith("+xml"):
        return "xml"
    if media in _CSV_TYPES:
        return "csv"
    suffix = PurePosixPath(hint.strip().replace("\\", "/")).suffix.lower()
    return "xml" if suffix == ".xml" else "csv" if suffix == ".csv" else None


def parse_statement(data: bytes, content_type_or_filename: str | None = None) -> Statement:
    """camt.053 or CSV, told apart by the content; a declared type that contradicts it (a
    ``.csv`` name on XML, ``application/xml`` on CSV) is an error. Other hints are ignored."""
    kind = _sniff(data)
    declared = _declared(content_type_or_filename)
    if declared is not None and declared != kind:
        raise StatementFormatError(
            f"declared as {declared.upper()} ({content_type_or_filename!r}) "
            f"but the content is {kind.upper()}"
        )
    return parse_camt053(data) if kind == "xml" else parse_statement_csv(data)
