"""Routes of payment requests: raise, read, approve, reject, cancel, submit, and export
approved payments as a pain.001 file."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Response, status
from fastapi.responses import StreamingResponse

from services.finance.config import FinanceSettings, FinanceSettingsDep
from services.finance.payments import batches, decisions, service, settlement
from services.finance.payments.models import Method, Payment, PaymentStatus
from services.finance.payments.schemas import (
    BatchRequest,
    Decision,
    PaymentCreate,
    PaymentPublic,
)
from services.finance.roles import (
    PAYMENT_DECIDERS,
    REQUESTERS,
    SUBMITTERS,
    UNIT_READERS,
    ScopeDep,
)
from services.finance.treasury.sender import SenderDep
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import ReadEngineDep, SessionDep, answer_after_commit
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["payments"])
Requester = Annotated[Principal, Depends(require_roles(*REQUESTERS))]
Decider = Annotated[Principal, Depends(require_roles(*PAYMENT_DECIDERS))]
Canceller = Annotated[Principal, Depends(require_roles(*REQUESTERS))]
Submitter = Annotated[Principal, Depends(require_roles(*SUBMITTERS))]
readers = [Depends(require_roles(*UNIT_READERS))]


def _public(settings: FinanceSettings, payment: Payment) -> PaymentPublic:
    return service.public(payment, settings.director_threshold)


@router.post("/payments", status_code=status.HTTP_201_CREATED, response_model=PaymentPublic)
def create_payment(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    principal: Requester,
    scope: ScopeDep,
    body: PaymentCreate,
    idem: IdempotentDep,
) -> Response:
    """Raise a payment request (a liaison for its own unit). Nothing is reserved until a
    finance approver approves it. Send an ``Idempotency-Key`` to make a retry safe."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    payment = service.create(session, audit, principal, scope, body)
    content = _public(settings, payment).model_dump(mode="json")
    headers = {"Location": f"/payments/{payment.id}", "ETag": etag(payment.version)}
    return idem.respond(session, content, 201, headers=headers)


@router.get("/payments", dependencies=readers)
def list_payments(
    session: SessionDep,
    settings: FinanceSettingsDep,
    params: PageDep,
    scope: ScopeDep,
    unit_id: uuid.UUID | None = None,
    status: PaymentStatus | None = None,
    method: Method | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> Page[PaymentPublic]:
    """Payments newest first (a liaison sees its own unit's)."""
    return service.search(
        session,
        params,
        settings.director_threshold,
        unit_id=scope.unit_filter(unit_id),
        status=status,
        method=method,
        due_from=due_from,
        due_to=due_to,
    )


@router.get("/payments/{payment_id}", dependencies=readers)
def get_payment(
    session: SessionDep,
    settings: FinanceSettingsDep,
    scope: ScopeDep,
    payment_id: uuid.UUID,
    response: Response,
) -> PaymentPublic:
    payment = service.get(session, payment_id, scope)
    response.headers["ETag"] = etag(payment.version)
    return _public(settings, payment)


@router.post("/payments/{payment_id}/approve")
def approve_payment(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    payment_id: uuid.UUID,
    principal: Decider,
    expected: ExpectedVersion,
    response: Response,
    subjects: decisions.PaymentSubjectsDep,
) -> PaymentPublic:
    """Approve: a finance approver first (this reserves the money), then a director when
    the amount is above the threshold. The requester can never approve, nor anyone party
    to what the payment pays for (a claim's claimant or preparer)."""
    payment = service.locked_at(session, payment_id, expected)
    decisions.approve(session, audit, principal, payment, settings.director_threshold, subjects)
    response.headers["ETag"] = etag(payment.version)
    return _public(settings, payment)


@router.post("/payments/{payment_id}/reject")
def reject_payment(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    payment_id: uuid.UUID,
    body: Decision,
    principal: Decider,
    expected: ExpectedVersion,
    subjects: decisions.PaymentSubjectsDep,
) -> PaymentPublic:
    """Refuse a payment waiting for approval, with the reason (releases any reservation; a
    claim it pays is rejected with it)."""
    payment = service.locked_at(session, payment_id, expected)
    decisions.reject(session, audit, principal, payment, body.reason, subjects)
    return _public(settings, payment)


@router.post("/payments/{payment_id}/cancel")
def cancel_payment(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    principal: Canceller,
    scope: ScopeDep,
    payment_id: uuid.UUID,
    body: Decision,
    expected: ExpectedVersion,
    subjects: decisions.PaymentSubjectsDep,
) -> PaymentPublic:
    """Withdraw a payment before it is submitted (releases any reservation; a claim it pays
    waits for an approver again)."""
    payment = service.get(session, payment_id, scope)
    payment = service.locked_at(session, payment.id, expected)
    decisions.cancel(session, audit, principal, payment, body.reason, subjects)
    return _public(settings, payment)


@router.post(
    "/payments/{payment_id}/submit",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=PaymentPublic,
)
def submit_payment(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    sender: SenderDep,
    payment_id: uuid.UUID,
    principal: Submitter,
) -> Response:
    """Send an approved payment to the treasury. The answer shows how far it got
    (``submitted`` once the treasury has it, ``submitting`` if the treasury could not be
    reached — it is then sent again automatically, never paid twice)."""
    payment = settlement.submit_now(
        session,
        audit,
        sender,
        principal,
        payment_id,
        tsa_name=settings.treasury_account_name,
        tsa_account=settings.treasury_account,
    )
    return answer_after_commit(
        session,
        lambda: _public(settings, service.fresh(session, payment)),
        status_code=status.HTTP_202_ACCEPTED,
    )


@router.post(
    "/payment-batches/pain001",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def export_pain001(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    engine: ReadEngineDep,
    body: BatchRequest,
    principal: Submitter,
) -> Response:
    """One pain.001.001.09 file for approved payments of one payer: all direct (paid from the
    treasury single account), or all authorized from the same unit's zero-balance account.
    The payments move to ``submitting``: the file is their submission. Every rule is checked
    before the commit; the document is then streamed as it is written."""
    export = batches.export_pain001(
        session,
        audit,
        principal,
        body.payment_ids,
        tsa_name=settings.treasury_account_name,
        tsa_account=settings.treasury_account,
        engine=engine,
    )
    return StreamingResponse(
        export.pieces,
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{export.name}"',
            "Content-Length": str(export.size),
        },
    )
