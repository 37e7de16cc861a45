"""Routes of the treasury side: its signed status callbacks, instructions in flight,
statements and reconciliation."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Request, Response, status

from services.finance.config import FinanceSettingsDep
from services.finance.roles import PREPARERS, READERS, TREASURY
from services.finance.treasury import reconciliation, service
from services.finance.treasury.client import TreasuryClientDep
from services.finance.treasury.models import InstructionStatus
from services.finance.treasury.schemas import (
    CallbackAck,
    InstructionPublic,
    Reconciliation,
    StatementPublic,
)
from services.finance.treasury.status import StatusHandlersDep
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.problems import Invalid, ProblemError, problem_response
from shared.routing import Router
from shared.types import today

# an ISO 20022 identifier in a path (Max35Text, in the characters a path carries as they are)
TreasuryId = Annotated[
    str, Path(min_length=1, max_length=35, pattern=r"^[A-Za-z0-9._~:@!$&'()*+,;=-]+$")
]

router = Router(tags=["treasury"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
Treasury = Annotated[Principal, Depends(require_roles(TREASURY))]
readers = [Depends(require_roles(*READERS))]
MAX_CALLBACK_BYTES = 64 * 1024
MAX_STATEMENT_BYTES = 10 * 1024 * 1024


async def _callback_body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_CALLBACK_BYTES:
        raise ProblemError(413, "BODY_TOO_LARGE", "a callback is at most 64 KiB")
    return body


async def _statement_body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_STATEMENT_BYTES:
        raise ProblemError(413, "FILE_TOO_LARGE", "a statement is at most 10 MiB")
    if not body:
        raise Invalid("EMPTY_STATEMENT", "send the camt.053 XML or CSV as the body")
    return body


@router.post("/treasury/callbacks", response_model=CallbackAck)
def receive_callback(
    request: Request,
    session: SessionDep,
    audit: AuditDep,
    statuses: StatusHandlersDep,
    settings: FinanceSettingsDep,
    caller: Treasury,
    body: Annotated[bytes, Depends(_callback_body)],
) -> CallbackAck | Response:
    """Apply a signed status callback from the treasury once (a repeated message id is
    acknowledged with ``duplicate: true`` and changes nothing). A callback without a valid
    signature is refused with 401, and the refusal is kept in the audit log."""
    answer = service.receive_callback(
        session,
        audit,
        statuses,
        caller,
        secret=settings.treasury_callback_secret,
        headers=request.headers,
        body=body,
        client_host=request.client.host if request.client else "?",
    )
    if isinstance(answer, service.Refusal):
        return problem_response(401, answer.code, answer.detail)
    return answer


@router.get("/treasury/instructions", dependencies=readers)
def list_instructions(
    session: SessionDep, params: PageDep, status: InstructionStatus | None = None
) -> Page[InstructionPublic]:
    """Instructions newest first (``unsent`` ones are waiting to be sent again)."""
    return service.list_instructions(session, params, status)


@router.get("/treasury/instructions/{instruction_id}", dependencies=readers)
def get_instruction(session: SessionDep, instruction_id: TreasuryId) -> InstructionPublic:
    return service.get_instruction(session, instruction_id)


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
    audit: AuditDep,
    settings: FinanceSettingsDep,
    principal: Preparer,
    response: Response,
    body: Annotated[bytes, Depends(_statement_body)],
) -> Reconciliation:
    """Import a treasury or agent-bank statement (camt.053 XML or CSV) and reconcile it:
    201 the first time; the same statement again answers 200 and changes nothing."""
    report, new = service.import_and_reconcile(
        session,
        audit,
        principal,
        body,
        request.headers.get("content-type"),
        tsa_account=settings.treasury_account,
    )
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    return report


@router.post(
    "/treasury/statements/fetch",
    responses={201: {"model": Reconciliation, "description": "A statement new to the books"}},
)
def fetch_statement(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    client: TreasuryClientDep,
    principal: Preparer,
    response: Response,
    day: date | None = None,
) -> Reconciliation:
    """Fetch a day's statement (default today) from the treasury and reconcile it: ``201``
    when the statement is new, ``200`` when it was imported before."""
    data = service.fetch_statement(client, day or today())
    report, new = service.import_and_reconcile(
        session, audit, principal, data, "application/xml", tsa_account=settings.treasury_account
    )
    response.status_code = status.HTTP_201_CREATED if new else status.HTTP_200_OK
    return report


@router.get("/treasury/statements", dependencies=readers)
def list_statements(session: SessionDep, params: PageDep) -> Page[StatementPublic]:
    """Imported statements, newest first."""
    return service.list_statements(session, params)


@router.get("/treasury/statements/{statement_id}/reconciliation", dependencies=readers)
def statement_reconciliation(
    session: SessionDep, settings: FinanceSettingsDep, statement_id: TreasuryId
) -> Reconciliation:
    """What matched, what differs and what is missing on either side."""
    return reconciliation.report(session, statement_id, settings.treasury_account)
