"""camt.053: versions .001.02 to .001.08, read by local names under the document's own namespace.
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
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from services.finance.treasury.statement_lines import (
    _CURRENCY,
    NOT_PROVIDED,
    Statement,
    StatementFormatError,
    StatementLine,
    _amount,
    _date,
    _datetime,
    _direction,
    _Invalid,
    _limited,
    _signed,
)

_CAMT053 = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.0[2-8]")


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
