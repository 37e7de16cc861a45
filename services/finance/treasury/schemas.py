"""API shapes of the treasury side: instructions, status callbacks, statements and their
reconciliation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.finance.treasury.models import InstructionStatus, Match
from shared.money import Money


class InstructionPublic(BaseModel):
    instruction_id: str
    kind: str
    status: InstructionStatus
    reason_code: str | None
    reason: str | None
    settled_on: date | None
    attempts: int
    last_error: str | None
    payload: dict[str, object]


class StatementPublic(BaseModel):
    statement_id: str
    account: str
    format: str
    first_booked_on: date | None
    last_booked_on: date | None
    imported_by: str


class StatusCallback(BaseModel):
    type: Literal["payment.status"]
    instruction_id: str = Field(min_length=1, max_length=35)
    status: InstructionStatus
    reason_code: str | None = Field(default=None, max_length=10)
    reason: str | None = Field(default=None, max_length=2000)
    settled_on: date | None = None
    occurred_at: datetime | None = None


class CallbackAck(BaseModel):
    instruction_id: str
    status: str
    duplicate: bool


class LineReport(BaseModel):
    line_no: int
    end_to_end_id: str | None
    amount: Money
    direction: str
    booked_on: date
    match: Match
    instruction_id: str | None
    expected_amount: Money | None = None


class MissingInstruction(BaseModel):
    instruction_id: str
    kind: str
    status: str
    amount: Money
    settled_on: date | None


class Reconciliation(BaseModel):
    statement_id: str
    account: str
    lines: int
    matched: int
    amount_mismatches: list[LineReport]
    state_mismatches: list[LineReport]
    unmatched_lines: list[LineReport]
    duplicate_lines: list[LineReport]
    missing_from_statement: list[MissingInstruction]
    reconciled: bool
