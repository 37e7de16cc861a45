"""The treasury side's use cases behind the routes: status callbacks, instructions in flight,
statements fetched or imported and their reconciliation.

A status callback is accepted only with a valid Standard Webhooks signature made with the
callback secret and a timestamp within five minutes; anything else is refused with 401 and
kept in the audit log (the route returns the refusal, so that the record commits). A message
id already accepted is acknowledged and ignored, so a callback delivered twice applies once.
The status is applied like a poll's (``StatusHandlers``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from services.finance.treasury import reconciliation
from services.finance.treasury.client import (
    StatusReport,
    TreasuryClient,
    TreasuryRefused,
    TreasuryUnavailable,
)
from services.finance.treasury.models import (
    CallbackReceipt,
    ImportedStatement,
    Instruction,
    InstructionStatus,
)
from services.finance.treasury.schemas import (
    CallbackAck,
    InstructionPublic,
    Reconciliation,
    StatementPublic,
    StatusCallback,
)
from services.finance.treasury.status import StatusHandlers, lock_row
from shared import webhooks
from shared.audit import AuditLog
from shared.context import Principal
from shared.db import insert_unless_present
from shared.pagination import Page, PageParams, paginate
from shared.problems import Invalid, NotFound, ProblemError, Unavailable
from shared.types import utcnow

log = logging.getLogger("finance.treasury")
RECEIPTS: Any = CallbackReceipt.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Refusal:
    """A callback refused (401), already recorded in the audit log."""

    code: str
    detail: str


def _refuse(
    session: Session,
    audit: AuditLog,
    caller: Principal,
    headers: Mapping[str, str],
    client_host: str,
    error: webhooks.SignatureError,
) -> Refusal:
    log.warning(
        "refused treasury callback from %s: %s (%s)", client_host, error.reason, error.detail
    )
    audit.record(
        session,
        action="treasury.callback_refused",
        resource_type="treasury_callback",
        resource_id=headers.get(webhooks.ID_HEADER, "")[:100] or None,
        after={"reason": error.reason, "detail": error.detail},
        principal=caller,
    )
    return Refusal(f"CALLBACK_{error.reason}", f"callback refused: {error.detail}")


def _parse_callback(body: bytes) -> StatusCallback:
    try:
        return StatusCallback.model_validate_json(body)
    except ValidationError as exc:
        raise Invalid(
            "BAD_CALLBACK",
            "the callback body is not a payment status",
            errors=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from None


def _first_delivery(session: Session, message_id: str, callback: StatusCallback) -> bool:
    """Remember the message id; False when it was accepted before (one INSERT that does
    nothing when the id is taken, so the rest of the unit of work carries on)."""
    return insert_unless_present(
        session,
        RECEIPTS,
        {
            "message_id": message_id,
            "instruction_id": callback.instruction_id,
            "status": callback.status,
            "received_at": utcnow(),
        },
    )


def receive_callback(
    session: Session,
    audit: AuditLog,
    statuses: StatusHandlers,
    caller: Principal,
    *,
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    client_host: str,
) -> CallbackAck | Refusal:
    """Apply a signed status callback once; a forged or stale one is refused and recorded."""
    try:
        verified = webhooks.verify([secret], headers, body)
    except webhooks.SignatureError as exc:
        return _refuse(session, audit, caller, headers, client_host, exc)
    callback = _parse_callback(body)
    instruction = lock_row(session, callback.instruction_id)
    if instruction is None:
        raise NotFound("instruction", callback.instruction_id)
    duplicate = not _first_delivery(session, verified.msg_id, callback)
    if not duplicate:
        report = StatusReport(
            instruction_id=callback.instruction_id,
            status=callback.status,
            reason_code=callback.reason_code,
            reason=callback.reason,
            settled_on=callback.settled_on,
        )
        statuses.apply(session, instruction, report, caller.sub)
    return CallbackAck(
        instruction_id=callback.instruction_id, status=callback.status, duplicate=duplicate
    )


def _instruction_public(row: Instruction) -> InstructionPublic:
    return InstructionPublic.model_validate(row, from_attributes=True)


def list_instructions(
    session: Session, params: PageParams, status: InstructionStatus | None
) -> Page[InstructionPublic]:
    query = select(Instruction)
    if status is not None:
        query = query.where(Instruction.status == status)
    order = col(Instruction.created_at).desc()
    return paginate(session, query, params, order, view=_instruction_public)


def get_instruction(session: Session, instruction_id: str) -> InstructionPublic:
    row = session.get(Instruction, instruction_id)
    if row is None:
        raise NotFound("instruction", instruction_id)
    return _instruction_public(row)


def list_statements(session: Session, params: PageParams) -> Page[StatementPublic]:
    return paginate(
        session,
        select(ImportedStatement),
        params,
        col(ImportedStatement.imported_at).desc(),
        view=lambda row: StatementPublic.model_validate(row, from_attributes=True),
    )


def fetch_statement(client: TreasuryClient, day: date) -> bytes:
    """A day's statement (camt.053) from the treasury."""
    try:
        return client.statement(day)
    except TreasuryUnavailable as exc:
        raise Unavailable(
            "TREASURY_UNAVAILABLE", f"the treasury cannot be reached: {exc}"
        ) from None
    except TreasuryRefused as exc:
        raise ProblemError(502, "TREASURY_REFUSED", str(exc)) from None


def import_and_reconcile(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    data: bytes,
    content_type: str | None,
    *,
    tsa_account: str,
) -> tuple[Reconciliation, bool]:
    """Import a statement (once) and report its reconciliation; True when it was new."""
    statement, new = reconciliation.import_statement(session, audit, principal, data, content_type)
    return reconciliation.report(session, statement.statement_id, tsa_account), new
