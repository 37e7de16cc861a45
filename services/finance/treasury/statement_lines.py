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

The readers: ``statement_camt053.py`` and ``statement_csv.py``; ``statements.parse_statement``
tells the formats apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

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
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TZ = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T.+")
_CURRENCY = re.compile(r"[A-Z]{3}")


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
