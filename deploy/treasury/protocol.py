"""The JSON shapes of the protocol between finance and the treasury (see README.md).

Rules: an instruction id is 1-35 characters ``[A-Za-z0-9-]`` (it is also the ISO 20022
EndToEndId); an amount is a decimal string, above zero, with at most two decimals, always
answered with exactly two; the currency is ``CNY``; a payment names its method (``direct`` or
``authorized``), a remittance names none. Unknown fields are refused, so a typo never passes
unnoticed.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from deploy.treasury.config import CallbackMode

INSTRUCTION_ID = r"^[A-Za-z0-9-]{1,35}$"
REASON_CODE = r"^[A-Z0-9]{4}$"
CENT = Decimal("0.01")

Kind = Literal["payment", "remittance"]
Status = Literal["received", "accepted", "settled", "rejected", "returned"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=140)]
Account = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=34)]


def format_amount(amount: Decimal) -> str:
    """``1234.5`` → ``"1234.50"``."""
    return f"{amount.quantize(CENT):f}"


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    account: Account


class Creditor(Party):
    bank: Name


class Instruction(BaseModel):
    """``POST /instructions``: one payment or remittance for the treasury to carry out."""

    model_config = ConfigDict(extra="forbid")

    instruction_id: str = Field(pattern=INSTRUCTION_ID)
    kind: Kind
    method: Literal["direct", "authorized"] | None
    debtor: Party
    creditor: Creditor
    amount: str = Field(pattern=r"^[0-9]{1,16}(\.[0-9]{1,2})?$")
    currency: Literal["CNY"]
    purpose: Name
    requested_on: date

    @field_validator("amount")
    @classmethod
    def _positive_with_two_places(cls, value: str) -> str:
        try:
            amount = Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise ValueError("not a decimal number") from None
        if amount <= 0:
            raise ValueError("must be above zero")
        return format_amount(amount)

    @model_validator(mode="after")
    def _method_matches_kind(self) -> Instruction:
        if self.kind == "payment" and self.method is None:
            raise ValueError("a payment names its method: direct or authorized")
        if self.kind == "remittance" and self.method is not None:
            raise ValueError("a remittance has no method (null)")
        return self

    @property
    def value(self) -> Decimal:
        return Decimal(self.amount)

    def canonical(self) -> str:
        """The content as canonical JSON: equal for equal instructions, however they were
        spelt (key order, spacing, ``1.5`` or ``1.50``)."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )


class InstructionStatus(BaseModel):
    """The answer to a submission and to ``GET /instructions/{id}``."""

    instruction_id: str
    kind: Kind
    status: Status
    reason_code: str | None
    reason: str | None
    amount: str
    currency: str
    received_at: datetime
    updated_at: datetime
    settled_on: date | None


class ReturnRequest(BaseModel):
    """``POST /control/instructions/{id}/return``: the beneficiary's bank sends money back."""

    model_config = ConfigDict(extra="forbid")

    reason_code: str = Field(default="AC04", pattern=REASON_CODE)
    reason: str = Field(default="returned by the creditor's bank", min_length=1, max_length=140)


class ControlState(BaseModel):
    """What ``GET /control`` shows and ``PUT /control`` changes (in memory: a restart goes
    back to the settings)."""

    callback_mode: CallbackMode
    callback_delay_seconds: float = Field(ge=0)
    available: bool


class ControlChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    callback_mode: CallbackMode | None = None
    callback_delay_seconds: float | None = Field(default=None, ge=0)
    available: bool | None = None
