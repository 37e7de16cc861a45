"""Decisions on a lease: activation (with its overlap check, below-market approval and rent
schedule), a director's approval or rejection, and termination (service layer of ``leases``;
the rules are stated in ``service``). Functions only flush."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from services.assets.leases.models import InvoiceStatus, Lease, LeaseInvoice, LeaseRoom, LeaseStatus
from services.assets.leases.schedule import (
    Instalment,
    instalment,
    schedule,
)
from services.assets.leases.schemas import Approval, Rejection, Termination
from services.assets.leases.service import (
    _area,
    _audited,
    _check_rent,
    _operator,
    _rooms,
    get,
    room_ids,
)
from shared.audit import AuditLog
from shared.changes import record_change
from shared.concurrency import check_version
from shared.context import actor
from shared.problems import Conflict, Invalid
from shared.types import utcnow


def below_floor(lease: Lease, share: Decimal) -> bool:
    """Whether the rent is below ``share`` of the market rent the lease names."""
    return Decimal(lease.rent_per_m2) < Decimal(lease.market_rent_per_m2) * share


def _change(
    session: Session, audit: AuditLog, lease: Lease, action: str, before: dict[str, Any]
) -> Lease:
    return record_change(
        session,
        audit,
        lease,
        action=f"lease.{action}",
        resource_type="lease",
        before=before,
        after_view=lambda row: _audited(session, row),
    )


def _overlapping(session: Session, lease: Lease, ids: Sequence[uuid.UUID]) -> str | None:
    """The code of an activated lease of one of the rooms covering a day of ``lease``'s term."""
    query = (
        select(Lease.code)
        .join(LeaseRoom, col(LeaseRoom.lease_id) == col(Lease.id))
        .where(
            col(LeaseRoom.room_id).in_(ids),
            col(Lease.id) != lease.id,
            col(Lease.occupied_to).is_not(None),
            col(Lease.starts_on) <= lease.ends_on,
            col(Lease.occupied_to) >= lease.starts_on,
        )
    )
    return session.exec(query).first()


def _activate(session: Session, lease: Lease) -> None:
    """Lock the rooms, check every rule again, and write the rent schedule."""
    ids = room_ids(session, lease.id)
    rooms = _rooms(session, ids, lock=True)
    lease.revenue_unit_id = _operator(session, rooms, lease.starts_on)
    clash = _overlapping(session, lease, ids)
    if clash is not None:
        raise Conflict(
            "LEASE_OVERLAP", f"lease {clash} already lets one of these rooms during this term"
        )
    lease.area_m2 = _area(rooms)
    _check_rent(lease)
    for step in schedule(
        starts_on=lease.starts_on,
        ends_on=lease.ends_on,
        area=lease.area_m2,
        rent_per_m2=lease.rent_per_m2,
        escalation_pct=lease.escalation_pct,
    ):
        session.add(
            LeaseInvoice(
                lease_id=lease.id,
                seq=step.seq,
                period_start=step.period_start,
                period_end=step.period_end,
                due_on=step.due_on,
                amount=step.amount,
            )
        )
    lease.status = LeaseStatus.ACTIVE
    lease.occupied_to = lease.ends_on


def activate(
    session: Session,
    audit: AuditLog,
    lease_id: uuid.UUID,
    *,
    min_market_share: Decimal,
    expected_version: int | None,
) -> Lease:
    """Activate a draft: at or above the market floor it becomes active with its rent
    schedule; below it, it goes to ``pending_approval`` for a director."""
    lease = get(session, lease_id, lock=True)
    check_version("lease", lease.version, expected_version)
    if lease.status == LeaseStatus.PENDING_APPROVAL:
        raise Conflict("AWAITING_APPROVAL", "a director must approve this below-market rent")
    if lease.status != LeaseStatus.DRAFT:
        raise Conflict("NOT_A_DRAFT", f"only a draft is activated (it is {lease.status})")
    before = _audited(session, lease)
    if below_floor(lease, min_market_share):
        lease.status = LeaseStatus.PENDING_APPROVAL
        return _change(session, audit, lease, "submit_for_approval", before)
    _activate(session, lease)
    session.flush()
    return _change(session, audit, lease, "activate", before)


def _pending(session: Session, lease_id: uuid.UUID, expected_version: int | None) -> Lease:
    lease = get(session, lease_id, lock=True)
    check_version("lease", lease.version, expected_version)
    if lease.status != LeaseStatus.PENDING_APPROVAL:
        raise Conflict("NOT_PENDING_APPROVAL", f"the lease is {lease.status}")
    return lease


def approve(
    session: Session,
    audit: AuditLog,
    lease_id: uuid.UUID,
    *,
    data: Approval,
    expected_version: int | None,
) -> Lease:
    """A director approves a below-market rent, which activates the lease."""
    lease = _pending(session, lease_id, expected_version)
    before = _audited(session, lease)
    lease.approved_by = actor()
    lease.approved_at = utcnow()
    _activate(session, lease)
    session.flush()
    after = {**_audited(session, lease), "note": data.note}
    record_change(
        session,
        audit,
        lease,
        action="lease.approve",
        resource_type="lease",
        before=before,
        after=after,
    )
    return lease


def reject(
    session: Session,
    audit: AuditLog,
    lease_id: uuid.UUID,
    *,
    data: Rejection,
    expected_version: int | None,
) -> Lease:
    """A director sends a below-market lease back to draft, saying why."""
    lease = _pending(session, lease_id, expected_version)
    before = _audited(session, lease)
    lease.status = LeaseStatus.DRAFT
    after = {**_audited(session, lease), "reason": data.reason}
    record_change(
        session,
        audit,
        lease,
        action="lease.reject",
        resource_type="lease",
        before=before,
        after=after,
    )
    return lease


def _prorated(lease: Lease, seq: int, last_day: date) -> Instalment:
    """Invoice ``seq`` of the lease as the schedule makes it for a term ending ``last_day``."""
    return instalment(
        starts_on=lease.starts_on,
        k=seq - 1,
        last_day=last_day,
        area=lease.area_m2,
        rent_per_m2=lease.rent_per_m2,
        escalation_pct=lease.escalation_pct,
    )


def terminate(
    session: Session,
    audit: AuditLog,
    lease_id: uuid.UUID,
    *,
    data: Termination,
    expected_version: int | None,
) -> Lease:
    """End a lease early: ``terminated_on`` is the last day let (at most the term's end).
    Unpaid invoices of months starting after it are cancelled; a paid one is refused (409
    ``PAID_BEYOND_TERMINATION``: refund it first). The month it falls in is charged for its
    days let only (``rent × days let / days of the month``, as the schedule charges a last
    month), unless that invoice is already paid: then it is left as paid, in full (the
    difference is settled outside this service, like a refund). A draft or pending lease is
    withdrawn the same way."""
    lease = get(session, lease_id, lock=True)
    check_version("lease", lease.version, expected_version)
    if lease.status == LeaseStatus.TERMINATED:
        raise Conflict("LEASE_TERMINATED", "the lease is already terminated")
    if data.terminated_on > lease.ends_on:
        raise Invalid("TERMINATION_AFTER_END", f"the term ends on {lease.ends_on}")
    before = _audited(session, lease)
    if lease.status == LeaseStatus.ACTIVE:
        later = session.exec(
            select(LeaseInvoice)
            .where(
                LeaseInvoice.lease_id == lease.id,
                col(LeaseInvoice.period_end) >= data.terminated_on,
            )
            .order_by(col(LeaseInvoice.seq))
            .with_for_update()
        ).all()
        if any(
            i.status == InvoiceStatus.PAID and i.period_start > data.terminated_on for i in later
        ):
            raise Conflict(
                "PAID_BEYOND_TERMINATION", "a month after the termination day is already paid"
            )
        for invoice in later:
            if invoice.period_start > data.terminated_on:
                invoice.status = InvoiceStatus.CANCELLED
            elif invoice.status == InvoiceStatus.DUE and invoice.period_end > data.terminated_on:
                invoice.amount = _prorated(lease, invoice.seq, data.terminated_on).amount
                invoice.period_end = data.terminated_on
            else:
                continue
            invoice.version += 1  # no ``updated_at`` column: the audit entry says when
            session.add(invoice)
        lease.occupied_to = data.terminated_on
    lease.status = LeaseStatus.TERMINATED
    lease.terminated_on = data.terminated_on
    lease.termination_reason = data.reason
    session.flush()
    return _change(session, audit, lease, "terminate", before)
