"""Imported treasury and agent-bank statements (camt.053 or CSV) and their lines.

A statement is stored once under its own id with the digest of its content: importing the
same file again changes nothing, and a different file under an id already imported is
refused. Each line records what it matched.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow


class Match(StrEnum):
    MATCHED = "matched"  # end-to-end id and amount agree with one of our instructions
    AMOUNT_MISMATCH = "amount_mismatch"  # our instruction, another amount
    UNMATCHED = "unmatched"  # no instruction of ours with that end-to-end id
    DUPLICATE = "duplicate"  # a second line for an instruction already matched
    STATE_MISMATCH = "state_mismatch"  # booked by the bank, not settled in our books


class ImportedStatement(SQLModel, table=True):
    __tablename__ = "finance_statement"

    statement_id: str = Field(primary_key=True, max_length=100)
    account: str = Field(max_length=100)
    digest: str = Field(max_length=64)
    format: str = Field(max_length=10)
    first_booked_on: date | None = None
    last_booked_on: date | None = None
    imported_by: str = Field(max_length=200)
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class ImportedLine(SQLModel, table=True):
    __tablename__ = "finance_statement_line"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    statement_id: str = Field(foreign_key="finance_statement.statement_id", index=True)
    line_no: int
    end_to_end_id: str | None = Field(default=None, max_length=35, index=True)
    amount: Decimal = Field(sa_type=Money())
    direction: str = Field(max_length=4)
    booked_on: date
    reference: str | None = Field(default=None, max_length=100)
    counterparty_name: str | None = Field(default=None, max_length=200)
    counterparty_account: str | None = Field(default=None, max_length=100)
    match: str = Field(max_length=20)
    instruction_id: str | None = Field(default=None, max_length=35)
