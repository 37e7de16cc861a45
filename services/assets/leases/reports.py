"""Reports on leases: rent in arrears by age, and leases about to expire.

Arrears: every unpaid invoice whose due day is before ``as_of``, aged in days past due, in
buckets 1–30, 31–60, 61–90 and over 90, per lease and in total. Expiry: active leases (not
terminated) whose term ends within 90 days of ``as_of`` (that day included; near the
calendar's end, up to its last day), each tagged with the nearest warning threshold reached:
30 (30 days or fewer left), 60, or 90.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from sqlmodel import Session, col, select

from services.assets.leases.models import InvoiceStatus, Lease, LeaseInvoice, LeaseStatus
from services.assets.leases.schemas import (
    ArrearsReport,
    ArrearsRow,
    ArrearsTotals,
    ExpiringLease,
    ExpiryReport,
)

BUCKETS = ("days_1_30", "days_31_60", "days_61_90", "over_90")
WARN_DAYS = 90


def bucket(days: int) -> str:
    """The ageing bucket of an invoice ``days`` (at least 1) past due."""
    if days <= 30:
        return "days_1_30"
    if days <= 60:
        return "days_31_60"
    if days <= 90:
        return "days_61_90"
    return "over_90"


def arrears(session: Session, *, as_of: date) -> ArrearsReport:
    rows = session.exec(
        select(LeaseInvoice, Lease)
        .join(Lease, col(Lease.id) == col(LeaseInvoice.lease_id))
        .where(LeaseInvoice.status == InvoiceStatus.DUE, col(LeaseInvoice.due_on) < as_of)
        .order_by(col(Lease.code), col(LeaseInvoice.seq))
    ).all()
    zero = Decimal("0.00")
    per_lease: dict[uuid.UUID, ArrearsRow] = {}
    totals = ArrearsTotals(invoices=0, **dict.fromkeys((*BUCKETS, "total"), zero))
    for invoice, lease in rows:
        row = per_lease.get(lease.id)
        if row is None:
            row = per_lease[lease.id] = ArrearsRow(
                lease_id=lease.id,
                code=lease.code,
                tenant_name=lease.tenant_name,
                invoices=0,
                oldest_due_on=invoice.due_on,
                **dict.fromkeys((*BUCKETS, "total"), zero),
            )
        name = bucket((as_of - invoice.due_on).days)
        for part in (row, totals):
            setattr(part, name, getattr(part, name) + invoice.amount)
            part.total += invoice.amount
            part.invoices += 1
    return ArrearsReport(as_of=as_of, rows=list(per_lease.values()), totals=totals)


def threshold(days_left: int) -> Literal[90, 60, 30]:
    if days_left <= 30:
        return 30
    if days_left <= 60:
        return 60
    return 90


def horizon(as_of: date) -> date:
    """The last day ``WARN_DAYS`` ahead of ``as_of``: the calendar's last day, if sooner."""
    if as_of > date.max - timedelta(days=WARN_DAYS):
        return date.max
    return as_of + timedelta(days=WARN_DAYS)


def expiring(session: Session, *, as_of: date) -> ExpiryReport:
    leases = session.exec(
        select(Lease)
        .where(
            Lease.status == LeaseStatus.ACTIVE,
            col(Lease.ends_on) >= as_of,
            col(Lease.ends_on) <= horizon(as_of),
        )
        .order_by(col(Lease.ends_on), col(Lease.code))
    ).all()
    return ExpiryReport(
        as_of=as_of,
        items=[
            ExpiringLease(
                lease_id=lease.id,
                code=lease.code,
                tenant_name=lease.tenant_name,
                ends_on=lease.ends_on,
                days_left=(lease.ends_on - as_of).days,
                threshold=threshold((lease.ends_on - as_of).days),
            )
            for lease in leases
        ],
    )
