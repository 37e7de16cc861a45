"""Routes of expense and travel claims (报账): raise, rewrite, submit, except, approve,
reject, withdraw, pay, and the claims reports."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response, status

from services.finance.claims import decisions, payment, reports, service
from services.finance.claims.models import Claim, ClaimStatus
from services.finance.claims.schemas import (
    ClaimApproval,
    ClaimContent,
    ClaimCreate,
    ClaimPublic,
    ClaimSummary,
    ExceptionGrant,
    GrantedException,
    TopClaimant,
    UnitMonth,
)
from services.finance.clients.personnel import PersonnelDep
from services.finance.config import FinanceSettingsDep
from services.finance.payments.schemas import Decision
from services.finance.roles import APPROVER, DIRECTOR, LIAISON, READERS, SUBMITTERS, ScopeDep
from services.finance.treasury.sender import SenderDep
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.context import Principal
from shared.db import SessionDep
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.scope import STAFF

router = Router(tags=["claims"])
Claimant = Annotated[Principal, Depends(require_roles(STAFF, LIAISON))]
Approver = Annotated[Principal, Depends(require_roles(APPROVER))]
Rejecter = Annotated[Principal, Depends(require_roles(APPROVER, DIRECTOR))]
Director = Annotated[Principal, Depends(require_roles(DIRECTOR))]
Payer = Annotated[Principal, Depends(require_roles(*SUBMITTERS))]
readers = [Depends(require_roles(*READERS, LIAISON, STAFF))]
Year = Annotated[int, Query(ge=2000, le=2100)]
Month = Annotated[int | None, Query(ge=1, le=12)]


def _answer(response: Response, session: SessionDep, claim: Claim) -> ClaimPublic:
    response.headers["ETag"] = etag(claim.version)
    return service.public(session, claim)


@router.post("/claims", status_code=status.HTTP_201_CREATED, response_model=ClaimPublic)
def create_claim(
    session: SessionDep,
    audit: AuditDep,
    principal: Claimant,
    personnel: PersonnelDep,
    body: ClaimCreate,
    idem: IdempotentDep,
) -> Response:
    """Raise a draft claim: staff for themselves, a liaison for staff of its unit (asks
    personnel who and where the claimant is). A receipt claimed before is refused. Send an
    ``Idempotency-Key`` to make a retry safe (the claim sent again is answered as the first
    time, raised once, instead of being refused for its own receipts)."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    claim = service.create(session, audit, principal, personnel(), body)
    content = service.public(session, claim).model_dump(mode="json")
    headers = {"Location": f"/claims/{claim.id}", "ETag": etag(claim.version)}
    return idem.respond(session, content, 201, headers=headers)


@router.get("/claims", dependencies=readers)
def list_claims(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    unit_id: uuid.UUID | None = None,
    staff_id: uuid.UUID | None = None,
    status: ClaimStatus | None = None,
) -> Page[ClaimSummary]:
    """Claims newest first (a liaison its unit's, staff their own)."""
    return service.search(session, params, scope, unit_id=unit_id, staff_id=staff_id, status=status)


@router.get("/claims/reports/by-unit", dependencies=readers)
def claims_by_unit(
    session: SessionDep,
    scope: ScopeDep,
    year: Year,
    month: Month = None,
    unit_id: uuid.UUID | None = None,
) -> Page[UnitMonth]:
    """Claims per unit and month of submission: how many, claimed, payable."""
    rows = reports.by_unit_month(session, scope, year=year, month=month, unit_id=unit_id)
    return Page.whole(rows)


@router.get("/claims/reports/exceptions", dependencies=readers)
def claim_exceptions(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    since: date | None = None,
    until: date | None = None,
    unit_id: uuid.UUID | None = None,
) -> Page[GrantedException]:
    """Over-standard lines a director excepted, who granted each and why, newest first."""
    return reports.exceptions(session, params, scope, since=since, until=until, unit_id=unit_id)


@router.get("/claims/reports/top-claimants", dependencies=readers)
def top_claimants(
    session: SessionDep,
    scope: ScopeDep,
    since: date | None = None,
    until: date | None = None,
    unit_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> Page[TopClaimant]:
    """Who claimed the most (payable) over a period of submission."""
    rows = reports.top_claimants(
        session, scope, since=since, until=until, unit_id=unit_id, limit=limit
    )
    return Page.whole(rows)


@router.get("/claims/{claim_id}", dependencies=readers)
def get_claim(
    session: SessionDep, scope: ScopeDep, claim_id: uuid.UUID, response: Response
) -> ClaimPublic:
    return _answer(response, session, service.get(session, scope, claim_id))


@router.put("/claims/{claim_id}")
def rewrite_claim(
    session: SessionDep,
    audit: AuditDep,
    principal: Claimant,
    scope: ScopeDep,
    claim_id: uuid.UUID,
    body: ClaimContent,
    expected: ExpectedVersion,
    response: Response,
) -> ClaimPublic:
    """Replace a draft's purpose, payee, trips and lines."""
    claim = service.locked_at(session, scope, claim_id, expected)
    service.replace(session, audit, principal, claim, body)
    return _answer(response, session, claim)


@router.post("/claims/{claim_id}/submit")
def submit_claim(
    session: SessionDep,
    audit: AuditDep,
    principal: Claimant,
    scope: ScopeDep,
    personnel: PersonnelDep,
    claim_id: uuid.UUID,
    expected: ExpectedVersion,
    response: Response,
) -> ClaimPublic:
    """Submit a draft: every line is checked against the travel standards for the
    claimant's rank on each day travelled; over-standard amounts are flagged and capped."""
    claim = service.locked_at(session, scope, claim_id, expected)
    decisions.submit(session, audit, principal, personnel(), claim)
    return _answer(response, session, claim)


@router.post("/claims/{claim_id}/lines/{line_id}/exception")
def grant_exception(
    session: SessionDep,
    audit: AuditDep,
    principal: Director,
    scope: ScopeDep,
    claim_id: uuid.UUID,
    line_id: uuid.UUID,
    body: ExceptionGrant,
    expected: ExpectedVersion,
    response: Response,
) -> ClaimPublic:
    """A director pays an over-standard line in full, with the reason."""
    claim = service.locked_at(session, scope, claim_id, expected)
    decisions.grant_exception(session, audit, principal, claim, line_id, body.reason)
    return _answer(response, session, claim)


@router.post("/claims/{claim_id}/approve")
def approve_claim(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    principal: Approver,
    scope: ScopeDep,
    claim_id: uuid.UUID,
    body: ClaimApproval,
    expected: ExpectedVersion,
    response: Response,
) -> ClaimPublic:
    """Approve a submitted claim: its payable amount becomes an approved authorized payment
    from the unit's quota on the named budget line (the money is reserved now)."""
    claim = service.locked_at(session, scope, claim_id, expected)
    payment.approve(session, audit, principal, claim, body, settings.director_threshold)
    return _answer(response, session, claim)


@router.post("/claims/{claim_id}/reject")
def reject_claim(
    session: SessionDep,
    audit: AuditDep,
    principal: Rejecter,
    scope: ScopeDep,
    claim_id: uuid.UUID,
    body: Decision,
    expected: ExpectedVersion,
    response: Response,
) -> ClaimPublic:
    """Refuse a submitted claim, with the reason (its receipts may be claimed again)."""
    claim = service.locked_at(session, scope, claim_id, expected)
    decisions.reject(session, audit, principal, claim, body.reason)
    return _answer(response, session, claim)


@router.post("/claims/{claim_id}/withdraw")
def withdraw_claim(
    session: SessionDep,
    audit: AuditDep,
    principal: Claimant,
    scope: ScopeDep,
    claim_id: uuid.UUID,
    body: Decision,
    expected: ExpectedVersion,
    response: Response,
) -> ClaimPublic:
    """Take back a draft or submitted claim, with the reason."""
    claim = service.locked_at(session, scope, claim_id, expected)
    decisions.withdraw(session, audit, principal, claim, body.reason)
    return _answer(response, session, claim)


@router.post("/claims/{claim_id}/pay", status_code=status.HTTP_202_ACCEPTED)
def pay_claim(
    session: SessionDep,
    audit: AuditDep,
    settings: FinanceSettingsDep,
    sender: SenderDep,
    principal: Payer,
    scope: ScopeDep,
    claim_id: uuid.UUID,
    response: Response,
) -> ClaimPublic:
    """Send the approved claim's payment to the treasury; the claim is ``paid`` once the
    payment settles."""
    claim = service.get(session, scope, claim_id)
    payment.pay(
        session,
        audit,
        sender,
        principal,
        claim,
        tsa_name=settings.treasury_account_name,
        tsa_account=settings.treasury_account,
    )
    return _answer(response, session, claim)
