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

The document is written in pieces, never held whole: the headers' ``NbOfTxs`` and ``CtrlSum``
come before the transfers, so the transfers are read twice. ``check_pain001`` is the first
pass: it applies every rule above to the batch and to each transfer in turn, keeping only the
count, the sum, a digest and the size of what will be written and, unless the source reads the
end-to-end ids from a unique key (``unique_ids=True``), the ids seen so far; it raises before
any byte is sent. ``write_pain001`` is the second pass: the same transfers again, written as
pieces of about ``PIECE_BYTES``; it checks each transfer again and ends with ``ValueError``
(before the closing tags, so the document is never well-formed) when what it wrote differs
from what was checked: another count, sum, size or digest. ``pain001`` is both passes over a
batch held in memory. The document is the one ElementTree wrote with ``ET.indent``, byte for
byte: two-space indentation, ``&``, ``<`` and ``>`` escaped in text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain

PAIN001_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
CURRENCY = "CNY"
CHARGE_BEARER = "DEBT"
CNAPS = "CNAPS"  # ExternalClearingSystemIdentification1Code for China
NOT_PROVIDED = "NOTPROVIDED"
CENT = Decimal("0.01")
LIMIT = Decimal("1E16")  # amounts stay below: 16 + 2 digits is the schema's totalDigits 18
PIECE_BYTES = 64 * 1024  # what write_pain001 yields at a time, about

_CNAPS_CODE = re.compile(r"[0-9]{12}")
_TEXT_LIMITS = {"id": 35, "name": 140, "account": 34, "code": 35}
# control characters: Unicode categories Cc (U+0000-U+001F, U+007F-U+009F) and Cs (the
# surrogates), and the noncharacters U+FFFE and U+FFFF; _DROPPED: those of them that are not
# whitespace (str.isspace), removed from a purpose; _SPACE: str.isspace
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_DROPPED = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"\s")


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
class BatchHead:
    """A batch but its transfers: payments from one account on one day, sent as one
    message."""

    message_id: str
    created_at: datetime
    debtor: Party
    requested_on: date
    payment_info_id: str | None = None


@dataclass(frozen=True)
class PaymentBatch(BatchHead):
    """A batch held in memory with its transfers (``pain001``)."""

    transfers: tuple[CreditTransfer, ...] = ()


@dataclass(frozen=True)
class Checked:
    """What ``check_pain001`` found: the totals the headers declare, and the size (bytes of
    the whole document) and digest (of the transfers' bytes) ``write_pain001`` must match."""

    count: int
    control_sum: Decimal
    size: int
    digest: bytes


@dataclass(frozen=True)
class Pain001File:
    """A document on its way out, checked: its file name, its size in bytes, and its pieces
    (``write_pain001``, to be read once)."""

    name: str
    size: int
    pieces: Iterator[bytes]


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
    if _CONTROL.search(text):
        raise ValueError(f"{field}: contains a control character")
    if kind in ("id", "account", "code") and _SPACE.search(text):
        raise ValueError(f"{field}: must not contain whitespace")
    return text


def _remittance_text(purpose: object, field: str = "purpose", limit: int = 140) -> str:
    """``purpose`` as one line of at most ``limit`` characters (see the module rules)."""
    if not isinstance(purpose, str):
        raise ValueError(f"{field}: expected text, got {type(purpose).__name__}")
    text = " ".join(_DROPPED.sub("", purpose).split())
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


def _created(value: object) -> str:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"created_at: expected an aware datetime, got {value!r}")
    return value.isoformat(timespec="seconds")


# ---- writing: elements as (tag, text or children), indented as ElementTree's indent does ----

Element = tuple[str, "str | tuple[Element, ...]"]
_PADS = tuple("\n" + "  " * level for level in range(12))
_INSTD_AMT = f'InstdAmt Ccy="{CURRENCY}"'  # the one element with an attribute
_TAIL = b"\n    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n"


def _escape(text: str) -> str:
    """Text as ElementTree writes it: ``&``, ``<`` and ``>`` escaped, nothing else."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _write(node: Element, level: int, out: list[str]) -> None:
    """``node`` on a line of its own at ``level``, its children one level deeper."""
    tag, content = node
    pad = _PADS[level]
    if isinstance(content, str):
        out.append(f"{pad}<{tag}>{_escape(content)}</{tag.partition(' ')[0]}>")
        return
    out.append(f"{pad}<{tag}>")
    for child in content:
        _write(child, level + 1, out)
    out.append(f"{pad}</{tag}>")


def _path(path: str, text: str) -> Element:
    """``_path("Id/Othr/Id", "x")``: the nested elements, the innermost holding the text."""
    tags = path.split("/")
    node: Element = (tags[-1], text)
    for tag in reversed(tags[:-1]):
        node = (tag, (node,))
    return node


def _account(tag: str, party: Party, field: str) -> Element:
    number = _path("Id/Othr/Id", _checked(party.account, f"{field}.account", "account"))
    if tag == "DbtrAcct":
        return (tag, (number, ("Ccy", CURRENCY)))
    return (tag, (number,))


def _agent(tag: str, party: Party, field: str, required: bool) -> Element | None:
    name = None if party.bank is None else _checked(party.bank, f"{field}.bank", "name")
    code = party.bank_code
    if code is not None and not (isinstance(code, str) and _CNAPS_CODE.fullmatch(code)):
        raise ValueError(f"{field}.bank_code: a CNAPS code is 12 digits, got {code!r}")
    if name is None and code is None and not required:
        return None
    institution: list[Element] = []
    if code is not None:
        institution.append(("ClrSysMmbId", (_path("ClrSysId/Cd", CNAPS), ("MmbId", code))))
    if name is not None:
        institution.append(("Nm", name))
    if name is None and code is None:
        institution.append(_path("Othr/Id", NOT_PROVIDED))
    return (tag, (("FinInstnId", tuple(institution)),))


def _transfer(transfer: CreditTransfer, field: str, e2e: str) -> tuple[Decimal, Element]:
    amount = _amount(transfer.amount, f"{field}.amount")
    creditor = transfer.creditor
    children: list[Element] = [
        ("PmtId", (("InstrId", e2e), ("EndToEndId", e2e))),
        ("Amt", ((_INSTD_AMT, _money(amount)),)),
    ]
    agent = _agent("CdtrAgt", creditor, f"{field}.creditor", required=False)
    if agent is not None:
        children.append(agent)
    children.append(("Cdtr", (("Nm", _checked(creditor.name, f"{field}.creditor.name", "name")),)))
    children.append(_account("CdtrAcct", creditor, f"{field}.creditor"))
    if transfer.classification is not None:
        code = _checked(transfer.classification, f"{field}.classification", "code")
        children.append(_path("Purp/Prtry", code))
    children.append(_path("RmtInf/Ustrd", _remittance_text(transfer.purpose, f"{field}.purpose")))
    return amount, ("CdtTrfTxInf", tuple(children))


def _piece(transfer: CreditTransfer, n: int, seen: dict[str, int] | None) -> tuple[Decimal, bytes]:
    """Transfer ``n`` checked and written (``seen``: the end-to-end ids so far, when kept)."""
    field = f"transfers[{n}]"
    e2e = _checked(transfer.end_to_end_id, f"{field}.end_to_end_id", "id")
    if seen is not None:
        if e2e in seen:
            raise ValueError(f"{field}.end_to_end_id: {e2e!r} repeats transfers[{seen[e2e]}]")
        seen[e2e] = n
    amount, node = _transfer(transfer, field, e2e)
    out: list[str] = []
    _write(node, 3, out)
    return amount, "".join(out).encode("utf-8")


@dataclass(frozen=True)
class _Head:
    """A batch's head checked: its texts, and the debtor's account and agent."""

    message_id: str
    info_id: str
    created: str
    requested_on: str
    debtor_name: str
    account: Element
    agent: Element


def _head(batch: BatchHead, has_transfers: bool) -> _Head:
    message_id = _checked(batch.message_id, "message_id", "id")
    info_id = message_id
    if batch.payment_info_id is not None:
        info_id = _checked(batch.payment_info_id, "payment_info_id", "id")
    created = _created(batch.created_at)
    if not isinstance(batch.requested_on, date) or isinstance(batch.requested_on, datetime):
        raise ValueError(f"requested_on: expected a date, got {batch.requested_on!r}")
    if not has_transfers:
        raise ValueError("transfers: a batch needs at least one transfer")
    debtor_name = _checked(batch.debtor.name, "debtor.name", "name")
    account = _account("DbtrAcct", batch.debtor, "debtor")
    agent = _agent("DbtrAgt", batch.debtor, "debtor", required=True)
    assert agent is not None
    return _Head(
        message_id, info_id, created, batch.requested_on.isoformat(), debtor_name, account, agent
    )


def _head_bytes(head: _Head, count: int, total: Decimal) -> bytes:
    """Everything before the first transfer."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'{_PADS[0]}<Document xmlns="{PAIN001_NAMESPACE}">',
        f"{_PADS[1]}<CstmrCdtTrfInitn>",
    ]
    number, control_sum = str(count), _money(total)
    header: Element = (
        "GrpHdr",
        (
            ("MsgId", head.message_id),
            ("CreDtTm", head.created),
            ("NbOfTxs", number),
            ("CtrlSum", control_sum),
            _path("InitgPty/Nm", head.debtor_name),
        ),
    )
    _write(header, 2, out)
    out.append(f"{_PADS[2]}<PmtInf>")
    for node in (
        ("PmtInfId", head.info_id),
        ("PmtMtd", "TRF"),
        ("NbOfTxs", number),
        ("CtrlSum", control_sum),
        _path("ReqdExctnDt/Dt", head.requested_on),
        _path("Dbtr/Nm", head.debtor_name),
        head.account,
        head.agent,
        ("ChrgBr", CHARGE_BEARER),
    ):
        _write(node, 3, out)
    return "".join(out).encode("utf-8")


def check_pain001(
    batch: BatchHead, transfers: Iterable[CreditTransfer], *, unique_ids: bool = False
) -> Checked:
    """The first pass: every rule, for the batch and each transfer, in the order they are
    written; raises ``ValueError`` naming the field at fault. ``unique_ids``: the source
    guarantees distinct end-to-end ids (it reads them from a unique key), so none are kept."""
    items = iter(transfers)
    first = next(items, None)
    head = _head(batch, first is not None)
    assert first is not None
    seen: dict[str, int] | None = None if unique_ids else {}
    total, count, size, digest = Decimal("0.00"), 0, 0, hashlib.blake2b()
    for n, transfer in enumerate(chain((first,), items)):
        amount, piece = _piece(transfer, n, seen)
        total += amount
        count += 1
        size += len(piece)
        digest.update(piece)
    if total >= LIMIT:
        raise ValueError(
            f"transfers: the control sum {total} has more than 16 digits before the point"
        )
    size += len(_head_bytes(head, count, total)) + len(_TAIL)
    return Checked(count, total, size, digest.digest())


def write_pain001(
    batch: BatchHead,
    transfers: Iterable[CreditTransfer],
    checked: Checked,
    *,
    piece_bytes: int = PIECE_BYTES,
) -> Iterator[bytes]:
    """The second pass: the pain.001.001.09 CustomerCreditTransferInitiation (UTF-8 XML with
    its declaration) of ``batch`` and the transfers ``check_pain001`` checked, in pieces of
    about ``piece_bytes``. ``transfers`` must give them again, in the same order: when what is
    written differs from what was checked, ``ValueError`` ends the pieces before the closing
    tags."""
    written = _head_bytes(_head(batch, checked.count > 0), checked.count, checked.control_sum)
    pieces, filled = [written], len(written)
    size, total, count, digest = len(written), Decimal("0.00"), 0, hashlib.blake2b()
    for n, transfer in enumerate(transfers):
        if n >= checked.count:
            raise ValueError(f"transfers: more than the {checked.count} checked")
        amount, piece = _piece(transfer, n, None)
        total += amount
        count += 1
        size += len(piece)
        digest.update(piece)
        pieces.append(piece)
        filled += len(piece)
        if filled >= piece_bytes:
            yield b"".join(pieces)
            pieces, filled = [], 0
    size += len(_TAIL)
    found = (count, total, size, digest.digest())
    if found != (checked.count, checked.control_sum, checked.size, checked.digest):
        raise ValueError(
            f"transfers: {count} written for {total}, {checked.count} checked for "
            f"{checked.control_sum} (or their text differs): the document is left unfinished"
        )
    pieces.append(_TAIL)
    yield b"".join(pieces)


def pain001(batch: PaymentBatch) -> bytes:
    """ISO 20022 pain.001.001.09 CustomerCreditTransferInitiation, UTF-8 XML with declaration,
    of a batch held in memory: both passes, joined.

    GrpHdr NbOfTxs and CtrlSum are correct; one PmtInf; ChrgBr DEBT; Ccy CNY; amounts are
    written with exactly two decimals. Raises ``ValueError`` naming the field at fault.
    """
    transfers = tuple(batch.transfers)
    checked = check_pain001(batch, transfers)
    return b"".join(write_pain001(batch, transfers, checked))
