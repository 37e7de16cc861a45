"""What finance has sent the treasury and heard back.

An instruction is written in the same transaction as the payment or remittance it carries
(state ``unsent``) and sent afterwards, again and again until the treasury has it: the
treasury keys instructions by id, so a resend never pays twice. ``payload`` is the exact body
sent, so every resend is identical. Status callbacks are remembered by their message id, so
a duplicate delivery is recognised and ignored.

Imported treasury and agent-bank statements (camt.053 or CSV) are stored once under their
own id with the digest of their content: importing the same file again changes nothing, and
a different file under an id already imported is refused. Each line records what it matched.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from shared.types import Money, UTCDateTime, utcnow


class InstructionKind(StrEnum):
    PAYMENT = "payment"
    REMITTANCE = "remittance"
    PAYROLL = "payroll"  # a payroll run's transfer (sent to the treasury as a direct payment)


class Channel(StrEnum):
    API = "api"
    FILE = "file"


class InstructionStatus(StrEnum):
    """Ours (``unsent``) and the treasury's, after ISO 20022 pain.002: received (RCVD),
    accepted (ACCP/ACSP), settled (ACSC), rejected (RJCT, with a reason code), returned."""

    UNSENT = "unsent"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    SETTLED = "settled"
    REJECTED = "rejected"
    RETURNED = "returned"


# a reported status is applied only if it moves the instruction forward
RANK = {
    InstructionStatus.UNSENT: 0,
    InstructionStatus.RECEIVED: 1,
    InstructionStatus.ACCEPTED: 2,
    InstructionStatus.SETTLED: 3,
    InstructionStatus.REJECTED: 3,
    InstructionStatus.RETURNED: 4,
}
FINAL = frozenset({InstructionStatus.REJECTED, InstructionStatus.RETURNED})


class Instruction(SQLModel, table=True):
    __tablename__ = "finance_treasury_instruction"

    instruction_id: str = Field(primary_key=True, max_length=35)
    kind: str = Field(max_length=20)
    subject_id: uuid.UUID = Field(index=True)  # the payment or revenue receipt
    # ``api``: sent over HTTP by the submitter; ``file``: exported in a pain.001 file, which
    # someone carries to the treasury (never sent over HTTP; polled, called back, reconciled)
    channel: str = Field(default="api", max_length=10)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default=InstructionStatus.UNSENT, max_length=20, index=True)
    reason_code: str | None = Field(default=None, max_length=10)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    settled_on: date | None = None
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime(), index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_heard_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


class CallbackReceipt(SQLModel, table=True):
    """A status callback accepted once: its ``webhook-id`` (a duplicate id is ignored)."""

    __tablename__ = "finance_treasury_callback"

    message_id: str = Field(primary_key=True, max_length=100)
    instruction_id: str = Field(max_length=35, index=True)
    status: str = Field(max_length=20)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


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
