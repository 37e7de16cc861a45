"""Recording the payment of a rent invoice, and the revenue it reports to finance.

A payment settles one invoice in full (422 ``AMOUNT_MISMATCH`` otherwise), on a day not in
the future (422 ``FUTURE_DATE``). A paid invoice is not paid again (409 ``INVOICE_PAID``), a
cancelled one not at all (409 ``INVOICE_CANCELLED``); the invoice row is locked while it is
paid, so two payments of it cannot both pass.

The payment queues one ``revenue.received`` event for finance in the same transaction
(the outbox delivers it until finance acknowledges; finance's inbox books it once). Its
payload is finance's ``ReceiptCreate``: the rent is revenue of the budget unit holding the
operation right (``revenue_unit_id``, fixed when the lease was activated), kind ``rent``,
the tenant as payer, and a reference naming the lease and the month. The route takes an
``Idempotency-Key``, so a retried request replays its answer instead of paying again.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from services.assets.leases.models import InvoiceStatus, LeaseInvoice
from services.assets.leases.schemas import PaymentCreate
from services.assets.leases.service import get
from shared.audit import AuditLog
from shared.context import actor
from shared.outbox import Outbox
from shared.problems import Conflict, Invalid, NotFound
from shared.types import today

EVENT_TYPE = "revenue.received"
REVENUE_KIND = "rent"  # finance's RevenueKind.RENT


def pay(
    session: Session,
    audit: AuditLog,
    outbox: Outbox,
    lease_id: uuid.UUID,
    seq: int,
    *,
    data: PaymentCreate,
) -> LeaseInvoice:
    lease = get(session, lease_id)
    invoice = session.exec(
        select(LeaseInvoice)
        .where(LeaseInvoice.lease_id == lease_id, LeaseInvoice.seq == seq)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if invoice is None:
        raise NotFound("invoice", f"{lease.code}/{seq}")
    if invoice.status == InvoiceStatus.PAID:
        raise Conflict("INVOICE_PAID", f"invoice {seq} was paid on {invoice.paid_on}")
    if invoice.status == InvoiceStatus.CANCELLED:
        raise Conflict("INVOICE_CANCELLED", f"invoice {seq} was cancelled by the termination")
    if data.paid_on > today():
        raise Invalid("FUTURE_DATE", "a payment cannot be dated in the future")
    if data.amount != invoice.amount:
        raise Invalid("AMOUNT_MISMATCH", f"invoice {seq} is {invoice.amount:.2f}, paid in full")
    if lease.revenue_unit_id is None:  # invoices exist only once a lease was activated
        raise Conflict("LEASE_NOT_ACTIVE", f"lease {lease.code} was never activated")
    payload = {
        "unit_id": str(lease.revenue_unit_id),
        "kind": REVENUE_KIND,
        "amount": f"{invoice.amount:.2f}",
        "received_on": data.paid_on.isoformat(),
        "payer": lease.tenant_name,
        "reference": f"lease {lease.code} month {seq}"[:100],
    }
    (event_id,) = outbox.publish(session, EVENT_TYPE, payload, ["finance"])
    invoice.status = InvoiceStatus.PAID
    invoice.paid_on = data.paid_on
    invoice.payment_reference = data.reference
    invoice.paid_by = actor()
    invoice.revenue_event_id = event_id
    invoice.version += 1  # no ``updated_at`` column: the audit entry says when
    session.add(invoice)
    session.flush()
    audit.record(
        session,
        action="lease.invoice_paid",
        resource_type="lease",
        resource_id=lease.id,
        after={
            "seq": seq,
            "amount": f"{invoice.amount:.2f}",
            "paid_on": data.paid_on.isoformat(),
            "reference": data.reference,
            "revenue_event_id": str(event_id),
        },
    )
    return invoice
