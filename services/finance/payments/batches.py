"""Approved payments as one ISO 20022 pain.001 file, for treasuries that take files.

Exporting is submitting by file: each payment's instruction is written (channel ``file``) and
the payment moves to ``submitting`` in the same transaction, so it can no longer be
cancelled or sent over HTTP as well — a payment is never carried to the treasury twice.
Exporting the same payments again gives the same instructions (the same EndToEndIds), which
the treasury recognises. Their states then arrive by callback, poll or statement as usual.
A batch is all direct payments (paid from the treasury single account), or all authorized
payments of one unit (from its zero-balance account).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from services.finance.payments import settlement
from services.finance.payments.models import Method, Payment, PaymentStatus
from services.finance.treasury import iso20022
from services.finance.treasury.models import Channel
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.context import Principal
from shared.problems import Conflict, Invalid
from shared.types import today, utcnow

_EXPORTABLE = frozenset({PaymentStatus.APPROVED, PaymentStatus.SUBMITTING})
_SLICE = 500


def _exportable(session: Session, ids: Collection[uuid.UUID]) -> list[Payment]:
    """The payments, locked, in number order (422 when any is unknown, 409 when any is not
    approved)."""
    payments = list(
        session.exec(
            select(Payment)
            .where(col(Payment.id).in_(set(ids)))
            .order_by(col(Payment.number))
            .with_for_update()
        )
    )
    missing = set(ids) - {p.id for p in payments}
    if missing:
        raise Invalid("UNKNOWN_PAYMENTS", f"{len(missing)} payments do not exist")
    not_ready = [p.number for p in payments if p.status not in _EXPORTABLE]
    if not_ready:
        raise Conflict(
            "PAYMENT_STATE", f"payments not approved: {not_ready[:20]}", numbers=not_ready
        )
    return payments


def _debtor(
    session: Session, payments: list[Payment], tsa_name: str, tsa_account: str
) -> iso20022.Party:
    methods = {p.method for p in payments}
    units = {p.unit_id for p in payments}
    if methods == {Method.DIRECT}:
        return iso20022.Party(name=tsa_name, account=tsa_account)
    if methods == {Method.AUTHORIZED} and len(units) == 1:
        unit = session.get(BudgetUnit, units.pop())
        assert unit is not None
        return iso20022.Party(name=unit.name, account=unit.zba_account, bank=unit.zba_bank)
    raise Invalid(
        "MIXED_BATCH", "a batch is all direct payments, or authorized payments of one unit"
    )


def _transfer(payment: Payment) -> iso20022.CreditTransfer:
    """A submitted payment as a credit transfer: its instruction's id is the end-to-end id."""
    assert payment.instruction_id is not None
    return iso20022.CreditTransfer(
        end_to_end_id=payment.instruction_id,
        amount=payment.amount,
        creditor=iso20022.Party(
            name=payment.payee_name,
            account=payment.payee_account,
            bank=payment.payee_bank,
            bank_code=payment.payee_bank_code,
        ),
        purpose=payment.purpose,
        classification=payment.economic_class,
    )


def _written(engine: Engine, ids: list[uuid.UUID]) -> Iterator[iso20022.CreditTransfer]:
    """The exported payments read again after the commit, ``_SLICE`` at a time, in number
    order. A submitted payment's payee, amount and instruction do not change; were they to
    change in between, the writer would end the document unfinished."""
    query = (
        select(Payment)
        .where(col(Payment.id).in_(ids))
        .order_by(col(Payment.number))
        .execution_options(yield_per=_SLICE)
    )
    with Session(engine) as session:
        for payment in session.exec(query):
            yield _transfer(payment)


def export_pain001(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    payment_ids: Collection[uuid.UUID],
    *,
    tsa_name: str,
    tsa_account: str,
    engine: Engine,
) -> iso20022.Pain001File:
    """Submit the payments by file: one pain.001.001.09 document for one payer.

    Every rule is checked here, on the payments just submitted (422 ``NOT_EXPORTABLE``, and
    nothing is submitted, when one breaks); the document's pieces read them again through
    ``engine`` once the request's unit of work has committed."""
    payments = _exportable(session, payment_ids)
    debtor = _debtor(session, payments, tsa_name, tsa_account)
    instructions = [
        settlement.submit(
            session,
            audit,
            principal,
            payment,
            tsa_name=tsa_name,
            tsa_account=tsa_account,
            channel=Channel.FILE,
        )
        for payment in payments
    ]
    if any(i.channel != Channel.FILE for i in instructions):
        raise Conflict("PAYMENT_STATE", "some payments were already submitted by API")
    created = utcnow()
    message_id = f"AAS-{created:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8].upper()}"
    head = iso20022.BatchHead(
        message_id=message_id,
        created_at=created,
        debtor=debtor,
        requested_on=max(min(p.due_on for p in payments), today()),
    )
    try:
        checked = iso20022.check_pain001(head, (_transfer(p) for p in payments))
    except ValueError as exc:
        raise Invalid("NOT_EXPORTABLE", str(exc)) from None
    ids = [p.id for p in payments]
    pieces = iso20022.write_pain001(head, _written(engine, ids), checked)
    return iso20022.Pain001File(f"{message_id}.xml", checked.size, pieces)
