"""Routes of leases: contracts, activation and approval, invoices and their payments, and
the arrears and expiry reports."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Response, status

from services.assets.config import AssetsSettingsDep
from services.assets.leases import decisions, payments, reports, service
from services.assets.leases.models import InvoiceStatus, Lease, LeaseStatus
from services.assets.leases.schemas import (
    Approval,
    ArrearsReport,
    ExpiryReport,
    InvoicePublic,
    LeaseCreate,
    LeasePublic,
    LeaseUpdate,
    PaymentCreate,
    Rejection,
    Termination,
)
from services.assets.roles import DIRECTOR, manage, read_wide
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep, after_commit
from shared.idempotency import IdempotencyRequired
from shared.outbox import OutboxDep, RelayDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["leases"])
decide = [Depends(require_roles(DIRECTOR))]
Seq = Annotated[int, Path(ge=1, le=10_000, description="The invoice's number in the lease")]


def _answer(
    session: SessionDep, lease: Lease, response: Response, created: bool = False
) -> LeasePublic:
    response.headers["ETag"] = etag(lease.version)
    if created:
        response.headers["Location"] = f"/leases/{lease.id}"
    return service.public(session, lease)


@router.get("/leases", dependencies=read_wide)
def list_leases(
    session: SessionDep,
    params: PageDep,
    status: LeaseStatus | None = None,
    room_id: uuid.UUID | None = None,
) -> Page[LeasePublic]:
    """Leases by code, filtered by status (``expired``: active, term ended) or room."""
    return service.list_leases(session, params, status=status, room_id=room_id)


@router.post("/leases", status_code=status.HTTP_201_CREATED, dependencies=manage)
def create_lease(
    session: SessionDep, audit: AuditDep, body: LeaseCreate, response: Response
) -> LeasePublic:
    """Draft a lease of operating rooms (each with an operator on the first day)."""
    return _answer(session, service.create(session, audit, data=body), response, created=True)


@router.get("/leases/arrears", dependencies=read_wide)
def arrears(session: SessionDep, as_of: date | None = None) -> ArrearsReport:
    """Unpaid rent past due on ``as_of`` (default today) by age: 1–30, 31–60, 61–90 and
    over 90 days, per lease and in total."""
    return reports.arrears(session, as_of=as_of or today())


@router.get("/leases/expiring", dependencies=read_wide)
def expiring(session: SessionDep, as_of: date | None = None) -> ExpiryReport:
    """Active leases ending within 90 days of ``as_of`` (default today), each tagged with
    the 90, 60 or 30-day threshold reached."""
    return reports.expiring(session, as_of=as_of or today())


@router.get("/leases/{lease_id}", dependencies=read_wide)
def get_lease(session: SessionDep, lease_id: uuid.UUID, response: Response) -> LeasePublic:
    """One lease (``ETag`` carries its version)."""
    return _answer(session, service.get(session, lease_id), response)


@router.patch("/leases/{lease_id}", dependencies=manage)
def update_lease(
    session: SessionDep,
    audit: AuditDep,
    lease_id: uuid.UUID,
    body: LeaseUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> LeasePublic:
    """Correct a draft lease (send ``If-Match``)."""
    lease = service.update(session, audit, lease_id, data=body, expected_version=expected)
    return _answer(session, lease, response)


@router.post("/leases/{lease_id}/activate", dependencies=manage)
def activate_lease(
    session: SessionDep,
    audit: AuditDep,
    settings: AssetsSettingsDep,
    lease_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> LeasePublic:
    """Activate a draft and write its rent schedule; a rent below the market floor goes to
    ``pending_approval`` for a director instead."""
    lease = decisions.activate(
        session,
        audit,
        lease_id,
        min_market_share=settings.lease_min_market_share,
        expected_version=expected,
    )
    return _answer(session, lease, response)


@router.post("/leases/{lease_id}/approve", dependencies=decide)
def approve_lease(
    session: SessionDep,
    audit: AuditDep,
    lease_id: uuid.UUID,
    body: Approval,
    response: Response,
    expected: ExpectedVersion,
) -> LeasePublic:
    """A director approves a below-market rent: the lease becomes active."""
    lease = decisions.approve(session, audit, lease_id, data=body, expected_version=expected)
    return _answer(session, lease, response)


@router.post("/leases/{lease_id}/reject", dependencies=decide)
def reject_lease(
    session: SessionDep,
    audit: AuditDep,
    lease_id: uuid.UUID,
    body: Rejection,
    response: Response,
    expected: ExpectedVersion,
) -> LeasePublic:
    """A director sends a below-market lease back to draft, saying why."""
    lease = decisions.reject(session, audit, lease_id, data=body, expected_version=expected)
    return _answer(session, lease, response)


@router.post("/leases/{lease_id}/terminate", dependencies=manage)
def terminate_lease(
    session: SessionDep,
    audit: AuditDep,
    lease_id: uuid.UUID,
    body: Termination,
    response: Response,
    expected: ExpectedVersion,
) -> LeasePublic:
    """End a lease early (or withdraw a draft); later unpaid months are cancelled."""
    lease = decisions.terminate(session, audit, lease_id, data=body, expected_version=expected)
    return _answer(session, lease, response)


@router.get("/leases/{lease_id}/invoices", dependencies=read_wide)
def list_invoices(
    session: SessionDep,
    params: PageDep,
    lease_id: uuid.UUID,
    status: InvoiceStatus | None = None,
) -> Page[InvoicePublic]:
    """The lease's rent schedule: its monthly invoices in order."""
    return service.invoices(session, params, lease_id, status=status)


@router.post(
    "/leases/{lease_id}/invoices/{seq}/payments",
    response_model=InvoicePublic,
    dependencies=manage,
)
def pay_invoice(
    session: SessionDep,
    audit: AuditDep,
    outbox: OutboxDep,
    relay: RelayDep,
    lease_id: uuid.UUID,
    seq: Seq,
    body: PaymentCreate,
    idem: IdempotencyRequired,
) -> Response:
    """Record the payment of an invoice in full: it is marked paid and finance is sent one
    ``revenue.received`` event. Requires an ``Idempotency-Key``: a retry replays the answer."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    invoice = payments.pay(session, audit, outbox, lease_id, seq, data=body)
    after_commit(session, relay.wake)
    content = service.invoice_public(invoice).model_dump(mode="json")
    return idem.respond(session, content, 200, headers={"ETag": etag(invoice.version)})
