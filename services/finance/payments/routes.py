"""Routes of payment requests: raise, read, approve, reject, cancel, submit."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from services.finance.payments import decisions, service, settlement
from services.finance.payments.models import Method, Payment, PaymentStatus
from services.finance.payments.schemas import Decision, PaymentCreate, PaymentPublic
from services.finance.roles import PAYMENT_DECIDERS, REQUESTERS, SUBMITTERS, UNIT_READERS
from services.finance.scope import ScopeDep
from services.finance.treasury.sender import Sender
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, check_version, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep

router = APIRouter(tags=["payments"])
Requester = Annotated[Principal, Depends(require_roles(*REQUESTERS))]
Decider = Annotated[Principal, Depends(require_roles(*PAYMENT_DECIDERS))]
Canceller = Annotated[Principal, Depends(require_roles(*REQUESTERS))]
Submitter = Annotated[Principal, Depends(require_roles(*SUBMITTERS))]
readers = [Depends(require_roles(*UNIT_READERS))]


def _public(request: Request, payment: Payment) -> PaymentPublic:
    return service.public(payment, request.app.state.settings.director_threshold)


@router.post("/payments", status_code=status.HTTP_201_CREATED)
def create_payment(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    body: PaymentCreate,
    principal: Requester,
    idem: IdempotentDep,
) -> Response:
    """Raise a payment request (a liaison for its own unit). Nothing is reserved until a
    finance approver approves it. Send an ``Idempotency-Key`` to make a retry safe."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    payment = service.create(session, request.app.state.audit, principal, scope, body)
    content = _public(request, payment).model_dump(mode="json")
    headers = {"Location": f"/payments/{payment.id}", "ETag": etag(payment.version)}
    response = idem.respond(session, content, 201, headers=headers)
    session.commit()
    return response


@router.get("/payments", dependencies=readers)
def list_payments(
    request: Request,
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    unit_id: uuid.UUID | None = None,
    status: PaymentStatus | None = None,
    method: Method | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> Page[PaymentPublic]:
    """Payments newest first (a liaison sees its own unit's)."""
    rows, total = service.search(
        session,
        params,
        unit_id=scope.unit_filter(unit_id),
        status=status,
        method=method,
        due_from=due_from,
        due_to=due_to,
    )
    items = [_public(request, p) for p in rows]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.get("/payments/{payment_id}", dependencies=readers)
def get_payment(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    payment_id: uuid.UUID,
    response: Response,
) -> PaymentPublic:
    payment = service.get(session, payment_id, scope)
    response.headers["ETag"] = etag(payment.version)
    return _public(request, payment)


@router.post("/payments/{payment_id}/approve")
def approve_payment(
    request: Request,
    session: SessionDep,
    payment_id: uuid.UUID,
    principal: Decider,
    expected: ExpectedVersion,
    response: Response,
) -> PaymentPublic:
    """Approve: a finance approver first (this reserves the money), then a director when
    the amount is above the threshold. The requester can never approve."""
    payment = service.locked(session, payment_id)
    check_version("payment", payment.version, expected)
    decisions.approve(
        session,
        request.app.state.audit,
        principal,
        payment,
        request.app.state.settings.director_threshold,
    )
    session.commit()
    response.headers["ETag"] = etag(payment.version)
    return _public(request, payment)


@router.post("/payments/{payment_id}/reject")
def reject_payment(
    request: Request,
    session: SessionDep,
    payment_id: uuid.UUID,
    body: Decision,
    principal: Decider,
    expected: ExpectedVersion,
) -> PaymentPublic:
    """Refuse a payment waiting for approval, with the reason (releases any reservation)."""
    payment = service.locked(session, payment_id)
    check_version("payment", payment.version, expected)
    decisions.reject(session, request.app.state.audit, principal, payment, body.reason)
    session.commit()
    return _public(request, payment)


@router.post("/payments/{payment_id}/cancel")
def cancel_payment(
    request: Request,
    session: SessionDep,
    scope: ScopeDep,
    payment_id: uuid.UUID,
    body: Decision,
    principal: Canceller,
    expected: ExpectedVersion,
) -> PaymentPublic:
    """Withdraw a payment before it is submitted (releases any reservation)."""
    payment = service.get(session, payment_id, scope)
    payment = service.locked(session, payment.id)
    check_version("payment", payment.version, expected)
    decisions.cancel(session, request.app.state.audit, principal, payment, body.reason)
    session.commit()
    return _public(request, payment)


@router.post("/payments/{payment_id}/submit", status_code=status.HTTP_202_ACCEPTED)
def submit_payment(
    request: Request,
    session: SessionDep,
    payment_id: uuid.UUID,
    principal: Submitter,
) -> PaymentPublic:
    """Send an approved payment to the treasury. The answer shows how far it got
    (``submitted`` once the treasury has it, ``submitting`` if the treasury could not be
    reached — it is then sent again automatically, never paid twice)."""
    settings = request.app.state.settings
    payment = service.locked(session, payment_id)
    instruction = settlement.submit(
        session,
        request.app.state.audit,
        principal,
        payment,
        tsa_name=settings.treasury_account_name,
        tsa_account=settings.treasury_account,
    )
    session.commit()
    sender: Sender = request.app.state.treasury_sender
    # one quick attempt now; if the treasury does not answer, the worker keeps trying
    sender.send(instruction.instruction_id, retries=0)
    session.refresh(payment)
    return _public(request, payment)
