"""Statements of the treasury accounts: ISO 20022 camt.053 (XML) and the statement CSV.

Both become one ``Statement`` of ``StatementLine``s. Rules common to both:

- an amount is positive and exact to the fen (``10.50`` and ``10.500`` are read, ``10.505``
  is refused, never rounded) with at most 16 digits before the point; lines carry it as an
  exact ``Decimal`` with two places;
- a direction is ``DBIT`` (money left the account) or ``CRDT`` (money came in);
- an end-to-end id ``NOTPROVIDED`` (the ISO 20022 placeholder) or empty means none;
- a line's ``reference`` (the bank's ``AcctSvcrRef``) appears once per statement: a repeat is
  an error, so the same bank entry can never be booked twice from one file;
- anything wrong raises ``StatementFormatError`` saying what and where (entry number in the
  XML, counting every ``Ntry`` from 1; row number in the CSV, the header being row 1).

camt.053: versions .001.02 to .001.08, read by local names under the document's own namespace.
Exactly one ``Stmt``. Only booked entries (``Sts/Cd`` or ``Sts`` = ``BOOK``) become lines;
pending and information entries are skipped. An entry with no ``TxDtls`` is one line; an entry
with several ``TxDtls`` (a batch booking) is one line per ``TxDtls``, whose amount is
``TxDtls/Amt`` or ``TxDtls/AmtDtls/TxAmt/Amt`` (the entry's own amount only when there is a
single ``TxDtls``), and the details must net to the entry's amount and share its currency.
The line reference is the entry's ``AcctSvcrRef``; for a batch booking it is each
``TxDtls/Refs/AcctSvcrRef`` when all are given and distinct, else ``<entry ref>/<n>``.
The counterparty is the creditor (``Cdtr``, ``CdtrAcct``) of a debit and the debtor of a
credit. Elements the reader does not use are not checked: this is no schema validation.
Untrusted input: a DOCTYPE (and with it every entity declaration) is refused before anything
is expanded; the caller caps the size.

CSV: UTF-8 with or without BOM, the columns of ``CSV_COLUMNS`` (in any order, each once),
``statement_id`` and ``account`` the same on every row, ISO dates (``YYYY-MM-DD``); blank
rows are skipped; a file with a header only is refused ("no rows").
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Literal

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

CENT = Decimal("0.01")
LIMIT = Decimal("1E16")  # amounts stay below: 16 digits before the point
NOT_PROVIDED = "NOTPROVIDED"
DIRECTIONS = ("DBIT", "CRDT")
CSV_COLUMNS = (
    "statement_id",
    "account",
    "booked_on",
    "direction",
    "amount",
    "currency",
    "end_to_end_id",
    "counterparty_name",
    "counterparty_account",
    "reference",
)
_CAMT053 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8]")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TZ = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T.+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_XML_TYPES = ("application/xml", "text/xml")
_CSV_TYPES = ("text/csv", "application/csv")

Kind = Literal["xml", "csv"]


@dataclass(frozen=True)
class StatementLine:
    """One booked movement on the account."""

    end_to_end_id: str | None
    amount: Decimal
    direction: str
    booked_on: date
    reference: str | None
    counterparty_name: str | None
    counterparty_account: str | None
    currency: str = "CNY"


@dataclass(frozen=True)
class Statement:
    """One statement of one account."""

    statement_id: str
    account: str
    created_at: datetime | None
    lines: tuple[StatementLine, ...]


class StatementFormatError(ValueError):
    """A statement that cannot be read; the message says what and where."""

    def __init__(self, message: str, *, entry: int | None = None, row: int | None = None):
        where = "" if entry is None else f"entry {entry}: "
        where += "" if row is None else f"row {row}: "
        super().__init__(where + message)
        self.entry = entry
        self.row = row


class _Invalid(Exception):
    """A fault inside one entry or row; the caller adds where."""


def _amount(text: str, what: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise _Invalid(f"{what}: {text!r} is not an amount")
    value = Decimal(text)
    if value <= 0:
        raise _Invalid(f"{what}: must be above zero, got {text}")
    if value >= LIMIT:
        raise _Invalid(f"{what}: {text} is too large")
    cents = value.quantize(CENT)
    if cents != value:
        raise _Invalid(f"{what}: {text} has fractions of a fen (more than two decimals)")
    return cents


def _direction(text: str, what: str) -> str:
    if text not in DIRECTIONS:
        raise _Invalid(f"{what}: expected DBIT or CRDT, got {text!r}")
    return text


def _date(text: str, what: str, zone: bool = False) -> date:
    match = (_DATE_TZ if zone else _DATE).fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return date.fromisoformat(match.group(1) if zone else text)
    except ValueError:
        raise _Invalid(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


def _datetime(text: str, what: str) -> datetime:
    try:
        if not _DATETIME.fullmatch(text):
            raise ValueError(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise _Invalid(f"{what}: {text!r} is not a date and time") from None


def _limited(text: str, what: str, limit: int) -> str:
    if len(text) > limit:
        raise _Invalid(f"{what}: at most {limit} characters, got {len(text)}")
    return text


def _signed(line: StatementLine) -> Decimal:
    return line.amount if line.direction == "CRDT" else -line.amount


# --- camt.053 -------------------------------------------------------------------------------


def _parse_xml(data: bytes) -> ET.Element:
    try:
        root: ET.Element = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise StatementFormatError(
            f"refused XML: a DOCTYPE or entity declaration is not allowed ({exc})"
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise StatementFormatError(
            f"not well-formed XML at line {line}, column {column + 1}"
        ) from None
    return root


class _Camt:
    """Element look-ups by local name under one document namespace."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def path(self, path: str) -> str:
        return "/".join(f"{{{self.namespace}}}{part}" for part in path.split("/"))

    def find(self, elem: ET.Element, path: str) -> ET.Element | None:
        return elem.find(self.path(path))

    def findall(self, elem: ET.Element, path: str) -> list[ET.Element]:
        return elem.findall(self.path(path))

    def text(self, elem: ET.Element | None, path: str) -> str | None:
        node = None if elem is None else self.find(elem, path)
        value = None if node is None else (node.text or "").strip()
        return value or None

    def need(self, elem: ET.Element, path: str, at: str = "") -> ET.Element:
        node = self.find(elem, path)
        if node is None:
            raise _Invalid(f"missing {at}{path}")
        return node

    def need_text(self, elem: ET.Element, path: str, at: str = "") -> str:
        value = (self.need(elem, path, at).text or "").strip()
        if not value:
            raise _Invalid(f"{at}{path} is empty")
        return value

    def amount(self, elem: ET.Element, path: str, at: str = "") -> tuple[Decimal, str]:
        node = self.need(elem, path, at)
        currency = (node.get("Ccy") or "").strip()
        if not _CURRENCY.fullmatch(currency):
            raise _Invalid(f"{at}{path}: missing or bad Ccy attribute {currency!r}")
        return _amount((node.text or "").strip(), f"{at}{path}"), currency


def _status(c: _Camt, entry: ET.Element) -> str:
    status = c.need(entry, "Sts")
    code = c.text(status, "Cd") or c.text(status, "Prtry") or (status.text or "").strip()
    if not code:
        raise _Invalid("Sts is empty")
    return code


def _booked_on(c: _Camt, entry: ET.Element) -> date:
    booking = c.need(entry, "BookgDt")
    day = c.text(booking, "Dt")
    if day is not None:
        return _date(day, "BookgDt/Dt", zone=True)
    moment = c.text(booking, "DtTm")
    if moment is not None:
        return _datetime(moment, "BookgDt/DtTm").date()
    raise _Invalid("missing BookgDt/Dt or BookgDt/DtTm")


def _counterparty(c: _Camt, tx: ET.Element, direction: str) -> tuple[str | None, str | None]:
    parties = c.find(tx, "RltdPties")
    role = "Cdtr" if direction == "DBIT" else "Dbtr"
    party = None if parties is None else c.find(parties, role)
    name = c.text(party, "Pty/Nm") or c.text(party, "Nm") or c.text(party, "Agt/FinInstnId/Nm")
    account = c.text(parties, f"{role}Acct/Id/Othr/Id") or c.text(parties, f"{role}Acct/Id/IBAN")
    return name, account


def _tx_line(
    c: _Camt, tx: ET.Element, at: str, entry: StatementLine, single: bool
) -> StatementLine:
    if c.find(tx, "Amt") is not None:
        amount, currency = c.amount(tx, "Amt", at)
    elif c.find(tx, "AmtDtls/TxAmt/Amt") is not None:
        amount, currency = c.amount(tx, "AmtDtls/TxAmt/Amt", at)
    elif single:
        amount, currency = entry.amount, entry.currency
    else:
        raise _Invalid(f"{at}no Amt or AmtDtls/TxAmt/Amt, and the entry has several TxDtls")
    if currency != entry.currency:
        raise _Invalid(f"{at}currency {currency} differs from the entry's {entry.currency}")
    indicator = c.text(tx, "CdtDbtInd")
    direction = entry.direction if indicator is None else _direction(indicator, f"{at}CdtDbtInd")
    end_to_end = c.text(tx, "Refs/EndToEndId")
    name, account = _counterparty(c, tx, direction)
    return StatementLine(
        end_to_end_id=None if end_to_end == NOT_PROVIDED else end_to_end,
        amount=amount,
        direction=direction,
        booked_on=entry.booked_on,
        reference=c.text(tx, "Refs/AcctSvcrRef"),
        counterparty_name=name,
        counterparty_account=account,
        currency=currency,
    )


def _entry_lines(c: _Camt, entry: ET.Element) -> list[StatementLine]:
    if _status(c, entry) != "BOOK":
        return []
    amount, currency = c.amount(entry, "Amt")
    whole = StatementLine(
        end_to_end_id=None,
        amount=amount,
        direction=_direction(c.need_text(entry, "CdtDbtInd"), "CdtDbtInd"),
        booked_on=_booked_on(c, entry),
        reference=c.text(entry, "AcctSvcrRef"),
        counterparty_name=None,
        counterparty_account=None,
        currency=currency,
    )
    txs = [tx for details in c.findall(entry, "NtryDtls") for tx in c.findall(details, "TxDtls")]
    if not txs:
        return [whole]
    single = len(txs) == 1
    lines = [_tx_line(c, tx, f"TxDtls {n}: ", whole, single) for n, tx in enumerate(txs, 1)]
    net = sum((_signed(line) for line in lines), Decimal("0.00"))
    if net != _signed(whole):
        raise _Invalid(f"the TxDtls net to {net} but the entry is {_signed(whole)} (signed)")
    own = [line.reference for line in lines]
    if single or (all(own) and len(set(own)) == len(own)):
        refs = [whole.reference or own[0]] if single else own
    elif whole.reference is not None:
        refs = [f"{whole.reference}/{n}" for n in range(1, len(lines) + 1)]
    else:
        refs = own
    return [replace(line, reference=ref) for line, ref in zip(lines, refs, strict=True)]


def _header(c: _Camt, root: ET.Element) -> tuple[ET.Element, str, str, datetime | None]:
    report = c.need(root, "BkToCstmrStmt")
    statements = c.findall(report, "Stmt")
    if len(statements) != 1:
        raise _Invalid(f"expected exactly one BkToCstmrStmt/Stmt, found {len(statements)}")
    stmt = statements[0]
    statement_id = _limited(c.need_text(stmt, "Id", "Stmt/"), "Stmt/Id", 35)
    account = c.text(stmt, "Acct/Id/IBAN") or c.text(stmt, "Acct/Id/Othr/Id")
    if account is None:
        raise _Invalid("missing Stmt/Acct/Id/IBAN or Stmt/Acct/Id/Othr/Id")
    created = c.text(stmt, "CreDtTm")
    created_at = None if created is None else _datetime(created, "Stmt/CreDtTm")
    return stmt, statement_id, account, created_at


def parse_camt053(data: bytes) -> Statement:
    """A camt.053.001.02-.08 statement (see the module rules)."""
    root = _parse_xml(data)
    namespace, local = ("", root.tag)
    if root.tag.startswith("{"):
        namespace, _, local = root.tag[1:].rpartition("}")
    if local != "Document" or not _CAMT053.fullmatch(namespace):
        raise StatementFormatError(
            f"not a camt.053.001.02-.08 document: the root is {local!r} in {namespace!r}"
        )
    c = _Camt(namespace)
    try:
        stmt, statement_id, account, created_at = _header(c, root)
    except _Invalid as exc:
        raise StatementFormatError(str(exc)) from None
    lines: list[StatementLine] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(c.findall(stmt, "Ntry"), start=1):
        try:
            entry_lines = _entry_lines(c, entry)
        except _Invalid as exc:
            raise StatementFormatError(str(exc), entry=n) from None
        for line in entry_lines:
            if line.reference is not None:
                if line.reference in seen:
                    raise StatementFormatError(
                        f"AcctSvcrRef {line.reference!r} repeats entry {seen[line.reference]}",
                        entry=n,
                    )
                seen[line.reference] = n
        lines.extend(entry_lines)
    return Statement(statement_id, account, created_at, tuple(lines))


# --- CSV ------------------------------------------------------------------------------------


def _csv_header(row: list[str]) -> list[str]:
    names = [name.strip() for name in row]
    missing = [name for name in CSV_COLUMNS if name not in names]
    unknown = [name for name in names if name not in CSV_COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or repeated:
        faults = [
            f"{label} {', '.join(found)}"
            for label, found in (("missing", missing), ("unknown", unknown), ("repeated", repeated))
            if found
        ]
        raise _Invalid(f"bad header ({'; '.join(faults)}); expected {','.join(CSV_COLUMNS)}")
    return names


def _csv_line(names: list[str], row: list[str]) -> tuple[str, str, StatementLine]:
    if len(row) != len(names):
        raise _Invalid(f"expected {len(names)} fields, found {len(row)}")
    value = {name: field.strip() for name, field in zip(names, row, strict=True)}
    for name in ("statement_id", "account", "booked_on", "direction", "amount", "currency"):
        if not value[name]:
            raise _Invalid(f"{name} is empty")
    currency = value["currency"]
    if not _CURRENCY.fullmatch(currency):
        raise _Invalid(f"currency: expected three capital letters, got {currency!r}")
    end_to_end = _limited(value["end_to_end_id"], "end_to_end_id", 35)
    line = StatementLine(
        end_to_end_id=None if end_to_end in ("", NOT_PROVIDED) else end_to_end,
        amount=_amount(value["amount"], "amount"),
        direction=_direction(value["direction"], "direction"),
        booked_on=_date(value["booked_on"], "booked_on"),
        reference=_limited(value["reference"], "reference", 35) or None,
        counterparty_name=_limited(value["counterparty_name"], "counterparty_name", 140) or None,
        counterparty_account=_limited(value["counterparty_account"], "counterparty_account", 34)
        or None,
        currency=currency,
    )
    statement_id = _limited(value["statement_id"], "statement_id", 35)
    return statement_id, _limited(value["account"], "account", 34), line


def parse_statement_csv(data: bytes) -> Statement:
    """A statement CSV (see the module rules)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementFormatError(f"the CSV is not UTF-8 (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names: list[str] | None = None
    first: tuple[str, str, int] | None = None
    lines: list[StatementLine] = []
    seen: dict[str, int] = {}
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if names is None:
                names = _csv_header(row)
                continue
            if not any(field.strip() for field in row):
                continue
            statement_id, account, line = _csv_line(names, row)
            if first is None:
                first = (statement_id, account, number)
            for label, got, want in (
                ("statement_id", statement_id, first[0]),
                ("account", account, first[1]),
            ):
                if got != want:
                    raise _Invalid(f"{label} {got!r} differs from {want!r} in row {first[2]}")
            if line.reference is not None:
                if line.reference in seen:
                    earlier = seen[line.reference]
                    raise _Invalid(f"reference {line.reference!r} repeats row {earlier}")
                seen[line.reference] = number
            lines.append(line)
    except csv.Error as exc:
        raise StatementFormatError(f"unreadable CSV ({exc})", row=number + 1) from None
    except _Invalid as exc:
        raise StatementFormatError(str(exc), row=number) from None
    if names is None:
        raise StatementFormatError(f"empty file: expected the header {','.join(CSV_COLUMNS)}")
    if first is None:
        raise StatementFormatError("no rows: the file has a header only")
    return Statement(first[0], first[1], None, tuple(lines))


# --- either ---------------------------------------------------------------------------------


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
