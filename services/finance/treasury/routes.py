"""Routes of the treasury side: instructions in flight, statements and reconciliation."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel
from sqlmodel import col, select

from services.finance.roles import PREPARERS, READERS
from services.finance.treasury import reconciliation
from services.finance.treasury.client import TreasuryRefused, TreasuryUnavailable
from services.finance.treasury.models import Instruction, InstructionStatus
from services.finance.treasury.statement_models import ImportedStatement
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.problems import NotFound, ProblemError, Unavailable
from shared.types import today

router = APIRouter(tags=["treasury"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
readers = [Depends(require_roles(*READERS))]
MAX_STATEMENT_BYTES = 10 * 1024 * 1024


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


@router.get("/treasury/instructions", dependencies=readers)
def list_instructions(
    session: SessionDep, status: InstructionStatus | None = None, limit: int = 100
) -> list[InstructionPublic]:
    """Instructions newest first (``unsent`` ones are waiting to be sent again)."""
    query = select(Instruction).order_by(col(Instruction.created_at).desc())
    if status is not None:
        query = query.where(Instruction.status == status)
    rows = session.exec(query.limit(max(1, min(limit, 500))))
    return [InstructionPublic.model_validate(r, from_attributes=True) for r in rows]


@router.get("/treasury/instructions/{instruction_id}", dependencies=readers)
def get_instruction(session: SessionDep, instruction_id: str) -> InstructionPublic:
    row = session.get(Instruction, instruction_id)
    if row is None:
        raise NotFound("instruction", instruction_id)
    return InstructionPublic.model_validate(row, from_attributes=True)


async def _statement_body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_STATEMENT_BYTES:
        raise ProblemError(413, "FILE_TOO_LARGE", "a statement is at most 10 MiB")
    if not body:
        raise ProblemError(422, "EMPTY_STATEMENT", "send the camt.053 XML or CSV as the body")
    return body


def _import(
    request: Request, session: SessionDep, principal: Principal, data: bytes, kind: str | None
) -> tuple[reconciliation.Reconciliation, bool]:
    statement, new = reconciliation.import_statement(
        session, request.app.state.audit, principal, data, kind
    )
    session.commit()
    return reconciliation.report(
        session, statement.statement_id, request.app.state.settings.treasury_account
    ), new


@router.post(
    "/treasury/statements",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/xml": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def import_statement(
    request: Request,
    session: SessionDep,
    principal: Preparer,
    response: Response,
    body: Annotated[bytes, Depends(_statement_body)],
) -> reconciliation.Reconciliation:
    """Import a treasury or agent-bank statement (camt.053 XML or CSV) and reconcile it:
    201 the first time; the same statement again answers 200 and changes nothing."""
    report, new = _import(request, session, principal, body, request.headers.get("content-type"))
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    return report


@router.post("/treasury/statements/fetch")
def fetch_statement(
    request: Request,
    session: SessionDep,
    principal: Preparer,
    response: Response,
    day: date | None = None,
) -> reconciliation.Reconciliation:
    """Fetch a day's statement (default today) from the treasury and reconcile it."""
    try:
        data = request.app.state.treasury_client.statement(day or today())
    except TreasuryUnavailable as exc:
        raise Unavailable(
            "TREASURY_UNAVAILABLE", f"the treasury cannot be reached: {exc}"
        ) from None
    except TreasuryRefused as exc:
        raise ProblemError(502, "TREASURY_REFUSED", str(exc)) from None
    report, new = _import(request, session, principal, data, "application/xml")
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    return report


@router.get("/treasury/statements", dependencies=readers)
def list_statements(session: SessionDep) -> list[StatementPublic]:
    rows = session.exec(
        select(ImportedStatement).order_by(col(ImportedStatement.imported_at).desc())
    )
    return [StatementPublic.model_validate(r, from_attributes=True) for r in rows]


@router.get("/treasury/statements/{statement_id}/reconciliation", dependencies=readers)
def statement_reconciliation(
    request: Request, session: SessionDep, statement_id: str
) -> reconciliation.Reconciliation:
    """What matched, what differs and what is missing on either side."""
    return reconciliation.report(session, statement_id, request.app.state.settings.treasury_account)
