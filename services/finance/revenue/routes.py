"""Routes of revenue receipts, their remittance, and unremitted revenue by age."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from sqlmodel import col, select

from services.finance.revenue import service
from services.finance.revenue.models import ReceiptStatus, RevenueKind, RevenueReceipt
from services.finance.revenue.schemas import AgingReport, ReceiptCreate, ReceiptPublic
from services.finance.roles import PREPARERS, SUBMITTERS, UNIT_READERS
from services.finance.scope import ScopeDep
from services.finance.treasury.sender import Sender
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep, fetch_page
from shared.problems import NotFound
from shared.types import today

router = APIRouter(tags=["revenue"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
Submitter = Annotated[Principal, Depends(require_roles(*SUBMITTERS))]
readers = [Depends(require_roles(*UNIT_READERS))]


def _public(receipt: RevenueReceipt) -> ReceiptPublic:
    return ReceiptPublic.model_validate(receipt, from_attributes=True)


@router.post("/revenue-receipts", status_code=status.HTTP_201_CREATED)
def record_receipt(
    request: Request,
    session: SessionDep,
    body: ReceiptCreate,
    principal: Preparer,
    idem: IdempotentDep,
) -> Response:
    """Record revenue a unit received; it is owed to the treasury in full and can never pay
    for anything. Send an ``Idempotency-Key`` so that a retry records it once."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    receipt = service.record(
        session, request.app.state.audit, data=body, recorded_by=principal.sub, principal=principal
    )
    content = _public(receipt).model_dump(mode="json")
    response = idem.respond(
        session, content, 201, headers={"Location": f"/revenue-receipts/{receipt.id}"}
    )
    session.commit()
    return response


@router.get("/revenue-receipts", dependencies=readers)
def list_receipts(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    unit_id: uuid.UUID | None = None,
    status: ReceiptStatus | None = None,
    kind: RevenueKind | None = None,
) -> Page[ReceiptPublic]:
    """Receipts newest first (a liaison sees its own unit's)."""
    query = select(RevenueReceipt)
    unit = scope.unit_filter(unit_id)
    if unit is not None:
        query = query.where(RevenueReceipt.unit_id == unit)
    if status is not None:
        query = query.where(RevenueReceipt.status == status)
    if kind is not None:
        query = query.where(RevenueReceipt.kind == kind)
    rows, total = fetch_page(session, query, params, col(RevenueReceipt.number).desc())
    return Page(
        items=[_public(r) for r in rows], total=total, limit=params.limit, offset=params.offset
    )


@router.get("/revenue-receipts/{receipt_id}", dependencies=readers)
def get_receipt(session: SessionDep, scope: ScopeDep, receipt_id: uuid.UUID) -> ReceiptPublic:
    receipt = session.get(RevenueReceipt, receipt_id)
    if receipt is None or (not scope.bureau_wide and receipt.unit_id != scope.own_unit):
        raise NotFound("revenue_receipt", receipt_id)
    return _public(receipt)


@router.post("/revenue-receipts/{receipt_id}/remit", status_code=status.HTTP_202_ACCEPTED)
def remit_receipt(
    request: Request, session: SessionDep, receipt_id: uuid.UUID, principal: Submitter
) -> ReceiptPublic:
    """Remit the receipt's full amount to the treasury (收支两条线: in full, never netted)."""
    settings = request.app.state.settings
    receipt = service.locked(session, receipt_id)
    instruction = service.remit(
        session,
        request.app.state.audit,
        principal,
        receipt,
        tsa_name=settings.treasury_account_name,
        tsa_account=settings.treasury_account,
    )
    session.commit()
    sender: Sender = request.app.state.treasury_sender
    sender.send(instruction.instruction_id, retries=0)
    session.refresh(receipt)
    return _public(receipt)


@router.get("/revenue/unremitted", dependencies=readers)
def unremitted_revenue(
    session: SessionDep,
    scope: ScopeDep,
    as_of: date | None = None,
    unit_id: uuid.UUID | None = None,
) -> AgingReport:
    """Revenue not yet remitted, per unit, by age (0–7, 8–30, 31–90, over 90 days)."""
    return service.aging(session, as_of=as_of or today(), unit_id=scope.unit_filter(unit_id))
