"""Routes of revenue receipts, their remittance, and unremitted revenue by age."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Response, status

from services.finance.config import FinanceSettingsDep
from services.finance.revenue import service
from services.finance.revenue.models import ReceiptStatus, RevenueKind
from services.finance.revenue.schemas import AgingReport, ReceiptCreate, ReceiptPublic
from services.finance.roles import PREPARERS, SUBMITTERS, UNIT_READERS, ScopeDep
from services.finance.treasury.sender import SenderDep
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep, answer_after_commit
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["revenue"])
Preparer = Annotated[Principal, Depends(require_roles(*PREPARERS))]
Submitter = Annotated[Principal, Depends(require_roles(*SUBMITTERS))]
readers = [Depends(require_roles(*UNIT_READERS))]


@router.post("/revenue-receipts", status_code=status.HTTP_201_CREATED, response_model=ReceiptPublic)
def record_receipt(
    session: SessionDep,
    audit: AuditDep,
    body: ReceiptCreate,
    principal: Preparer,
    idem: IdempotentDep,
) -> Response:
    """Record revenue a unit received; it is owed to the treasury in full and can never pay
    for anything. Send an ``Idempotency-Key`` so that a retry records it once."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    receipt = service.record(
        session, audit, data=body, recorded_by=principal.sub, principal=principal
    )
    content = service.public(receipt).model_dump(mode="json")
    return idem.respond(
        session, content, 201, headers={"Location": f"/revenue-receipts/{receipt.id}"}
    )


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
    return service.search(
        session, params, unit_id=scope.unit_filter(unit_id), status=status, kind=kind
    )


@router.get("/revenue-receipts/{receipt_id}", dependencies=readers)
def get_receipt(session: SessionDep, scope: ScopeDep, receipt_id: uuid.UUID) -> ReceiptPublic:
    return service.public(service.get(session, receipt_id, scope))


@router.post(
    "/revenue-receipts/{receipt_id}/remit",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReceiptPublic,
)
def remit_receipt(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    sender: SenderDep,
    receipt_id: uuid.UUID,
    principal: Submitter,
) -> Response:
    """Remit the receipt's full amount to the treasury (收支两条线: in full, never netted)."""
    receipt = service.remit_now(
        session,
        audit,
        sender,
        principal,
        receipt_id,
        tsa_name=settings.treasury_account_name,
        tsa_account=settings.treasury_account,
    )
    return answer_after_commit(
        session,
        lambda: service.public(service.fresh(session, receipt)),
        status_code=status.HTTP_202_ACCEPTED,
    )


@router.get("/revenue/unremitted", dependencies=readers)
def unremitted_revenue(
    session: SessionDep,
    scope: ScopeDep,
    as_of: date | None = None,
    unit_id: uuid.UUID | None = None,
) -> AgingReport:
    """Revenue not yet remitted, per unit, by age (0–7, 8–30, 31–90, over 90 days)."""
    return service.aging(session, as_of=as_of or today(), unit_id=scope.unit_filter(unit_id))
