"""``POST /treasury/callbacks``: the treasury's signed status callbacks (role ``treasury``).

A callback is accepted only with a valid Standard Webhooks signature made with the callback
secret and a timestamp within five minutes; anything else is refused with 401 and logged
(and kept in the audit log). A message id already accepted is acknowledged and ignored, so a
callback delivered twice applies once. The status is applied like a poll's (``status``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.finance.roles import TREASURY
from services.finance.treasury import status as treasury_status
from services.finance.treasury.client import StatusReport
from services.finance.treasury.models import CallbackReceipt, InstructionStatus
from shared import webhooks
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.problems import NotFound, ProblemError

log = logging.getLogger("finance.treasury")
router = APIRouter(tags=["treasury"])
MAX_CALLBACK_BYTES = 64 * 1024


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


def _refuse(
    request: Request, session: Session, caller: Principal, reason: str, detail: str
) -> ProblemError:
    log.warning(
        "refused treasury callback from %s: %s (%s)",
        request.client.host if request.client else "?",
        reason,
        detail,
    )
    request.app.state.audit.record(
        session,
        action="treasury.callback_refused",
        resource_type="treasury_callback",
        resource_id=request.headers.get(webhooks.ID_HEADER, "")[:100] or None,
        after={"reason": reason, "detail": detail},
        principal=caller,
    )
    session.commit()
    return ProblemError(401, f"CALLBACK_{reason}", f"callback refused: {detail}")


async def _raw_body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_CALLBACK_BYTES:
        raise ProblemError(413, "BODY_TOO_LARGE", "a callback is at most 64 KiB")
    return body


@router.post("/treasury/callbacks")
def receive_callback(
    request: Request,
    session: SessionDep,
    caller: Annotated[Principal, Depends(require_roles(TREASURY))],
    body: Annotated[bytes, Depends(_raw_body)],
) -> CallbackAck:
    """Apply a signed status callback from the treasury once (a repeated message id is
    acknowledged with ``duplicate: true`` and changes nothing)."""
    secret = request.app.state.settings.treasury_callback_secret
    try:
        verified = webhooks.verify([secret], request.headers, body)
    except webhooks.SignatureError as exc:
        raise _refuse(request, session, caller, exc.reason, exc.detail) from None
    try:
        callback = StatusCallback.model_validate_json(body)
    except ValidationError as exc:
        raise ProblemError(
            422,
            "BAD_CALLBACK",
            "the callback body is not a payment status",
            errors=exc.errors(include_url=False, include_context=False, include_input=False),
        ) from None
    instruction = treasury_status.locked(session, callback.instruction_id)
    if instruction is None:
        raise NotFound("instruction", callback.instruction_id)
    try:
        with session.begin_nested():
            session.add(
                CallbackReceipt(
                    message_id=verified.msg_id,
                    instruction_id=callback.instruction_id,
                    status=callback.status,
                )
            )
    except IntegrityError:
        session.rollback()
        return CallbackAck(
            instruction_id=callback.instruction_id, status=callback.status, duplicate=True
        )
    report = StatusReport(
        instruction_id=callback.instruction_id,
        status=callback.status,
        reason_code=callback.reason_code,
        reason=callback.reason,
        settled_on=callback.settled_on,
    )
    treasury_status.apply(session, instruction, report, caller.sub)
    session.commit()
    return CallbackAck(
        instruction_id=callback.instruction_id, status=callback.status, duplicate=False
    )
