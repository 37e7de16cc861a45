"""Payment instructions to the treasury's agent bank: ISO 20022 pain.001.001.09.

One ``PaymentBatch`` becomes one ``CustomerCreditTransferInitiation`` message with one payment
information block (``PmtInf``) holding every credit transfer. The rules:

- currency is always ``CNY``; amounts are ``Decimal``, above zero, at most two decimals (a
  fraction of a fen is refused, never rounded) and written with exactly two (``5`` → ``5.00``);
  at most 16 digits before the point, for the control sum too (the schema allows 18 digits);
- ``NbOfTxs`` and ``CtrlSum`` appear in the group header and in ``PmtInf``; ``CtrlSum`` is the
  exact sum of the transfers' amounts;
- ids (``MsgId``, ``PmtInfId``, ``EndToEndId``) are 1-35 characters without whitespace or
  control characters; end-to-end ids are unique within a batch. The end-to-end id is also sent
  as ``InstrId``: in treasury centralized payment it is the instruction id;
- accounts are domestic account numbers, not IBANs: ``Id/Othr/Id``, 1-34 characters;
- a bank is named by ``Nm`` and, when known, its CNAPS code (12 digits) as
  ``ClrSysMmbId/ClrSysId/Cd = CNAPS`` + ``MmbId``; ``CNAPS`` is the ISO 20022 external clearing
  system identification code for China (bank branch code used in China). The debtor's bank is
  mandatory in the schema: when neither name nor code is known it is ``Othr/Id = NOTPROVIDED``;
  the creditor's bank is left out when unknown;
- charges: ``ChrgBr = DEBT``. In treasury centralized payment the payee must receive the full
  amount and the agent bank's fees are settled with the treasury separately; ``SLEV`` would
  need a service level (a SEPA notion) that domestic CNY payments do not have;
- the purpose is the unstructured remittance text (``RmtInf/Ustrd``): whitespace runs become
  one space, control characters are dropped, and text past 140 characters is cut at a
  character boundary (never inside a UTF-8 sequence, never between a letter and its combining
  mark); an empty purpose is refused;
- the economic classification code (支出经济分类, e.g. ``30201``) travels as ``Purp/Prtry``.

Anything that breaks a rule raises ``ValueError`` naming the field (``transfers[2].amount``).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

PAIN001_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
CURRENCY = "CNY"
CHARGE_BEARER = "DEBT"
CNAPS = "CNAPS"  # ExternalClearingSystemIdentification1Code for China
NOT_PROVIDED = "NOTPROVIDED"
CENT = Decimal("0.01")
LIMIT = Decimal("1E16")  # amounts stay below: 16 + 2 digits is the schema's totalDigits 18

_CNAPS_CODE = re.compile(r"[0-9]{12}")
_TEXT_LIMITS = {"id": 35, "name": 140, "account": 34, "code": 35}


@dataclass(frozen=True)
class Party:
    """A payer or payee: a named account, optionally with its bank's name and CNAPS code."""

    name: str
    account: str
    bank: str | None = None
    bank_code: str | None = None


@dataclass(frozen=True)
class CreditTransfer:
    """One payment to one payee."""

    end_to_end_id: str
    amount: Decimal
    creditor: Party
    purpose: str
    classification: str | None = None


@dataclass(frozen=True)
class PaymentBatch:
    """Payments from one account on one day, sent as one message."""

    message_id: str
    created_at: datetime
    debtor: Party
    requested_on: date
    transfers: tuple[CreditTransfer, ...]
    payment_info_id: str | None = None


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff"


def _checked(value: object, field: str, kind: str) -> str:
    """A stripped, non-empty single-line text within the limit for ``kind``."""
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected text, got {type(value).__name__}")
    text = value.strip()
    limit = _TEXT_LIMITS[kind]
    if not text:
        raise ValueError(f"{field}: must not be empty")
    if len(text) > limit:
        raise ValueError(f"{field}: at most {limit} characters, got {len(text)}")
    if any(_is_control(c) for c in text):
        raise ValueError(f"{field}: contains a control character")
    if kind in ("id", "account", "code") and any(c.isspace() for c in text):
        raise ValueError(f"{field}: must not contain whitespace")
    return text


def _remittance_text(purpose: object, field: str = "purpose", limit: int = 140) -> str:
    """``purpose`` as one line of at most ``limit`` characters (see the module rules)."""
    if not isinstance(purpose, str):
        raise ValueError(f"{field}: expected text, got {type(purpose).__name__}")
    cleaned = "".join(c for c in purpose if c.isspace() or not _is_control(c))
    text = " ".join(cleaned.split())
    if not text:
        raise ValueError(f"{field}: must not be empty")
    if len(text) <= limit:
        return text
    cut = limit
    # keep a letter with its combining marks (and joiner sequences) together
    while cut > 0 and (unicodedata.combining(text[cut]) or text[cut] in "\u200d\ufe0e\ufe0f"):
        cut -= 1
    while cut > 0 and text[cut - 1] == "\u200d":
        cut -= 1
    return text[:cut].rstrip() or text[:limit]


def _amount(value: object, field: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{field}: expected a finite Decimal, got {value!r}")
    if value <= 0:
        raise ValueError(f"{field}: must be above zero, got {value}")
    if value >= LIMIT:
        raise ValueError(f"{field}: at most 16 digits before the point, got {value}")
    cents = value.quantize(CENT)
    if cents != value:
        raise ValueError(f"{field}: at most two decimal places, got {value}")
    return cents


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


def _path(parent: ET.Element, path: str, text: str) -> ET.Element:
    """``_path(p, "Id/Othr/Id", "x")`` adds the nested elements and sets the innermost text."""
    node = parent
    for tag in path.split("/"):
        node = _sub(node, tag)
    node.text = text
    return node


def _account(parent: ET.Element, tag: str, party: Party, field: str) -> None:
    account = _sub(parent, tag)
    _path(account, "Id/Othr/Id", _checked(party.account, f"{field}.account", "account"))
    if tag == "DbtrAcct":
        _sub(account, "Ccy", CURRENCY)


def _agent(parent: ET.Element, tag: str, party: Party, field: str, required: bool) -> None:
    name = None if party.bank is None else _checked(party.bank, f"{field}.bank", "name")
    code = party.bank_code
    if code is not None and not (isinstance(code, str) and _CNAPS_CODE.fullmatch(code)):
        raise ValueError(f"{field}.bank_code: a CNAPS code is 12 digits, got {code!r}")
    if name is None and code is None and not required:
        return
    institution = _sub(_sub(parent, tag), "FinInstnId")
    if code is not None:
        member = _sub(institution, "ClrSysMmbId")
        _path(member, "ClrSysId/Cd", CNAPS)
        _sub(member, "MmbId", code)
    if name is not None:
        _sub(institution, "Nm", name)
    if name is None and code is None:
        _path(institution, "Othr/Id", NOT_PROVIDED)


def _transfer(parent: ET.Element, transfer: CreditTransfer, field: str, e2e: str) -> Decimal:
    amount = _amount(transfer.amount, f"{field}.amount")
    tx = _sub(parent, "CdtTrfTxInf")
    payment_id = _sub(tx, "PmtId")
    _sub(payment_id, "InstrId", e2e)
    _sub(payment_id, "EndToEndId", e2e)
    _sub(_sub(tx, "Amt"), "InstdAmt", _money(amount), Ccy=CURRENCY)
    creditor = transfer.creditor
    _agent(tx, "CdtrAgt", creditor, f"{field}.creditor", required=False)
    _sub(_sub(tx, "Cdtr"), "Nm", _checked(creditor.name, f"{field}.creditor.name", "name"))
    _account(tx, "CdtrAcct", creditor, f"{field}.creditor")
    if transfer.classification is not None:
        code = _checked(transfer.classification, f"{field}.classification", "code")
        _path(tx, "Purp/Prtry", code)
    _path(tx, "RmtInf/Ustrd", _remittance_text(transfer.purpose, f"{field}.purpose"))
    return amount


def _created(value: object) -> str:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"created_at: expected an aware datetime, got {value!r}")
    return value.isoformat(timespec="seconds")


def pain001(batch: PaymentBatch) -> bytes:
    """ISO 20022 pain.001.001.09 CustomerCreditTransferInitiation, UTF-8 XML with declaration.

    GrpHdr NbOfTxs and CtrlSum are correct; one PmtInf; ChrgBr DEBT; Ccy CNY; amounts are
    written with exactly two decimals. Raises ``ValueError`` naming the field at fault.
    """
    message_id = _checked(batch.message_id, "message_id", "id")
    info_id = message_id
    if batch.payment_info_id is not None:
        info_id = _checked(batch.payment_info_id, "payment_info_id", "id")
    created = _created(batch.created_at)
    if not isinstance(batch.requested_on, date) or isinstance(batch.requested_on, datetime):
        raise ValueError(f"requested_on: expected a date, got {batch.requested_on!r}")
    transfers = tuple(batch.transfers)
    if not transfers:
        raise ValueError("transfers: a batch needs at least one transfer")
    debtor_name = _checked(batch.debtor.name, "debtor.name", "name")

    # unprefixed names under a default namespace declared on the root (ElementTree's own
    # default_namespace option refuses the unqualified Ccy attribute)
    root = ET.Element("Document", xmlns=PAIN001_NAMESPACE)
    initiation = _sub(root, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created)
    header_count = _sub(header, "NbOfTxs")
    header_sum = _sub(header, "CtrlSum")
    _path(header, "InitgPty/Nm", debtor_name)

    info = _sub(initiation, "PmtInf")
    _sub(info, "PmtInfId", info_id)
    _sub(info, "PmtMtd", "TRF")
    info_count = _sub(info, "NbOfTxs")
    info_sum = _sub(info, "CtrlSum")
    _path(info, "ReqdExctnDt/Dt", batch.requested_on.isoformat())
    _path(info, "Dbtr/Nm", debtor_name)
    _account(info, "DbtrAcct", batch.debtor, "debtor")
    _agent(info, "DbtrAgt", batch.debtor, "debtor", required=True)
    _sub(info, "ChrgBr", CHARGE_BEARER)

    total = Decimal("0.00")
    seen: dict[str, int] = {}
    for n, transfer in enumerate(transfers):
        field = f"transfers[{n}]"
        e2e = _checked(transfer.end_to_end_id, f"{field}.end_to_end_id", "id")
        if e2e in seen:
            raise ValueError(f"{field}.end_to_end_id: {e2e!r} repeats transfers[{seen[e2e]}]")
        seen[e2e] = n
        total += _transfer(info, transfer, field, e2e)
    if total >= LIMIT:
        raise ValueError(
            f"transfers: the control sum {total} has more than 16 digits before the point"
        )

    header_count.text = info_count.text = str(len(transfers))
    header_sum.text = info_sum.text = _money(total)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body.encode("utf-8") + b"\n"
