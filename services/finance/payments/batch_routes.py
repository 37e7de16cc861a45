"""``POST /payment-batches/pain001``: approved payments as one ISO 20022 pain.001 file, for
treasuries that take files.

Exporting is submitting by file: each payment's instruction is written (channel ``file``) and
the payment moves to ``submitting`` in the same transaction, so it can no longer be
cancelled or sent over HTTP as well — a payment is never carried to the treasury twice.
Exporting the same payments again gives the same instructions (the same EndToEndIds), which
the treasury recognises. Their states then arrive by callback, poll or statement as usual.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import col, select

from services.finance.payments import settlement
from services.finance.payments.models import Method, Payment, PaymentStatus
from services.finance.roles import SUBMITTERS
from services.finance.treasury import iso20022
from services.finance.treasury.models import Channel
from services.finance.units.models import BudgetUnit
from shared.auth import require_roles
from shared.context import Principal
from shared.db import SessionDep
from shared.problems import ProblemError
from shared.types import today, utcnow

router = APIRouter(tags=["payments"])
Exporter = Annotated[Principal, Depends(require_roles(*SUBMITTERS))]
_EXPORTABLE = frozenset({PaymentStatus.APPROVED, PaymentStatus.SUBMITTING})


class BatchRequest(BaseModel):
    payment_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]


def _debtor(request: Request, session: SessionDep, payments: list[Payment]) -> iso20022.Party:
    methods = {p.method for p in payments}
    units = {p.unit_id for p in payments}
    settings = request.app.state.settings
    if methods == {Method.DIRECT}:
        return iso20022.Party(
            name=settings.treasury_account_name, account=settings.treasury_account
        )
    if methods == {Method.AUTHORIZED} and len(units) == 1:
        unit = session.get(BudgetUnit, units.pop())
        assert unit is not None
        return iso20022.Party(name=unit.name, account=unit.zba_account, bank=unit.zba_bank)
    raise ProblemError(
        422, "MIXED_BATCH", "a batch is all direct payments, or authorized payments of one unit"
    )


@router.post(
    "/payment-batches/pain001",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def export_pain001(
    request: Request, session: SessionDep, body: BatchRequest, principal: Exporter
) -> Response:
    """One pain.001.001.09 file for approved payments of one payer: all direct (paid from the
    treasury single account), or all authorized from the same unit's zero-balance account.
    The payments move to ``submitting``: the file is their submission."""
    ids = set(body.payment_ids)
    payments = list(
        session.exec(
            select(Payment)
            .where(col(Payment.id).in_(ids))
            .order_by(col(Payment.number))
            .with_for_update()
        )
    )
    missing = ids - {p.id for p in payments}
    if missing:
        raise ProblemError(422, "UNKNOWN_PAYMENTS", f"{len(missing)} payments do not exist")
    not_ready = [p.number for p in payments if p.status not in _EXPORTABLE]
    if not_ready:
        raise ProblemError(
            409, "PAYMENT_STATE", f"payments not approved: {not_ready[:20]}", numbers=not_ready
        )
    debtor = _debtor(request, session, payments)
    settings = request.app.state.settings
    instructions = [
        settlement.submit(
            session,
            request.app.state.audit,
            principal,
            payment,
            tsa_name=settings.treasury_account_name,
            tsa_account=settings.treasury_account,
            channel=Channel.FILE,
        )
        for payment in payments
    ]
    if any(i.channel != Channel.FILE for i in instructions):
        raise ProblemError(409, "PAYMENT_STATE", "some payments were already submitted by API")
    created = utcnow()
    message_id = f"AAS-{created:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8].upper()}"
    batch = iso20022.PaymentBatch(
        message_id=message_id,
        created_at=created,
        debtor=debtor,
        requested_on=max(min(p.due_on for p in payments), today()),
        transfers=tuple(
            iso20022.CreditTransfer(
                end_to_end_id=i.instruction_id,
                amount=p.amount,
                creditor=iso20022.Party(
                    name=p.payee_name,
                    account=p.payee_account,
                    bank=p.payee_bank,
                    bank_code=p.payee_bank_code,
                ),
                purpose=p.purpose,
                classification=p.economic_class,
            )
            for p, i in zip(payments, instructions, strict=True)
        ),
    )
    try:
        document = iso20022.pain001(batch)
    except ValueError as exc:
        raise ProblemError(422, "NOT_EXPORTABLE", str(exc)) from None
    session.commit()
    return Response(
        document,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{message_id}.xml"'},
    )
