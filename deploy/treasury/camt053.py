"""A statement as ISO 20022 ``camt.053.001.08`` (BankToCustomerStatement), UTF-8 XML.

Written: ``GrpHdr`` (``MsgId`` = the statement id, ``CreDtTm``) and one ``Stmt`` (``Id``,
``CreDtTm``, ``Acct/Id/Othr/Id`` = the treasury single account) with one ``Ntry`` per booking:
``Amt@Ccy``, ``CdtDbtInd``, ``Sts/Cd`` = ``BOOK``, ``BookgDt/Dt``, ``ValDt/Dt`` (the same day),
``AcctSvcrRef`` (unique per entry), ``BkTxCd/Prtry/Cd`` (``PMNT``, ``RMTC`` or ``RTRN``) and
``NtryDtls/TxDtls`` with ``Refs/EndToEndId`` (the instruction id) and the counterparty under
``RltdPties``: ``Cdtr/Pty/Nm`` + ``CdtrAcct/Id/Othr/Id`` for a debit, ``Dbtr``/``DbtrAcct``
for a credit.

Balances: ``OPBD`` (the opening booked balance, every earlier booking of the account) and
``CLBD`` (opening plus the day's bookings), each a positive amount with ``CdtDbtInd`` for its
side. Not written: the transaction summary (optional).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from deploy.treasury.store import Entry

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def _add(parent: ET.Element, path: str, text: str | None = None, **attrs: str) -> ET.Element:
    """Append the elements of ``path`` (``A/B/C``) under ``parent``; the last gets ``text``."""
    node = parent
    for name in path.split("/"):
        node = ET.SubElement(node, name)
    if text is not None:
        node.text = text
    node.attrib.update(attrs)
    return node


def _other_id(parent: ET.Element, path: str, ident: str) -> None:
    _add(parent, f"{path}/Id/Othr/Id", ident)


def _balance(stmt: ET.Element, kind: str, amount: Decimal, day: date, currency: str) -> None:
    bal = _add(stmt, "Bal")
    _add(bal, "Tp/CdOrPrtry/Cd", kind)
    _add(bal, "Amt", f"{abs(amount):.2f}", Ccy=currency)
    _add(bal, "CdtDbtInd", "DBIT" if amount < 0 else "CRDT")
    _add(bal, "Dt/Dt", day.isoformat())


def to_camt053(
    statement: str,
    tsa_account: str,
    created: datetime,
    entries: Sequence[Entry],
    *,
    day: date,
    opening: Decimal,
    currency: str = "CNY",
) -> bytes:
    created_at = created.isoformat(timespec="seconds")
    document = ET.Element("Document", xmlns=NAMESPACE)
    message = _add(document, "BkToCstmrStmt")
    header = _add(message, "GrpHdr")
    _add(header, "MsgId", statement)
    _add(header, "CreDtTm", created_at)
    stmt = _add(message, "Stmt")
    _add(stmt, "Id", statement)
    _add(stmt, "CreDtTm", created_at)
    _other_id(stmt, "Acct", tsa_account)
    net = sum(
        (Decimal(e.amount) if e.direction == "CRDT" else -Decimal(e.amount) for e in entries),
        Decimal("0.00"),
    )
    _balance(stmt, "OPBD", opening, day, currency)
    _balance(stmt, "CLBD", opening + net, day, currency)
    for entry in entries:
        ntry = _add(stmt, "Ntry")
        _add(ntry, "Amt", entry.amount, Ccy=entry.currency)
        _add(ntry, "CdtDbtInd", entry.direction)
        _add(ntry, "Sts/Cd", "BOOK")
        _add(ntry, "BookgDt/Dt", entry.booked_on.isoformat())
        _add(ntry, "ValDt/Dt", entry.booked_on.isoformat())
        _add(ntry, "AcctSvcrRef", entry.reference)
        _add(ntry, "BkTxCd/Prtry/Cd", entry.code)
        details = _add(ntry, "NtryDtls/TxDtls")
        _add(details, "Refs/EndToEndId", entry.instruction_id)
        parties = _add(details, "RltdPties")
        role = "Cdtr" if entry.direction == "DBIT" else "Dbtr"
        _add(parties, f"{role}/Pty/Nm", entry.counterparty_name)
        _other_id(parties, f"{role}Acct", entry.counterparty_account)
    ET.indent(document)
    xml: bytes = ET.tostring(document, encoding="UTF-8", xml_declaration=True)
    return xml
